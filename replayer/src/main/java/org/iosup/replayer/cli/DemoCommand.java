package org.iosup.replayer.cli;

import org.iosup.cli.Mixins;
import org.iosup.cli.VersionProvider;
import org.iosup.demo.Demo;
import org.iosup.io.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code iosup demo}: the main job, the paper's experiments from embedded defaults. */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "The main job: reproduce the paper's experiments into out/ from embedded defaults.",
        description = {
            "The main job, no arguments needed: synthesize the paper's busy and idle settings (seeded, 30 minutes,",
            "PAE, NIC at the paper's 88 Mb/s), replay the groups cache-disabled, cache-pre-enabled and",
            "cache-dynamic-enabled (pools on at minute 5) under xen-4.2.1 (the paper's) and xen-4.2.4 (XSA-78 fixed),",
            "analyze, compare and plot, and print the key numbers. Writes OUTDIR/summary.csv, manifest.json,",
            "traces/, busy/ and idle/ (formats in schemas/)."
        })
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--output"}, defaultValue = "out", paramLabel = "OUTDIR",
            description = "Output folder (default: ${DEFAULT-VALUE}); replaced if it holds an earlier demo's output.")
    Path output;

    @Option(names = "--minutes", defaultValue = "30", paramLabel = "N", description = "Minutes of each setting (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--nic-gbps", paramLabel = "X",
            description = "NIC throughput of the traces, Gb/s (default: the presets' 0.088, the paper's netperf).")
    Double nicGbps;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed of the first trace (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--seeds", defaultValue = "" + Demo.DEFAULT_SEEDS, paramLabel = "N",
            description = {"Seeds of each setting, SEED to SEED + N - 1: summary.csv and compare.csv give each figure",
                "as the mean with its 95%% interval (default: ${DEFAULT-VALUE}; the first seed's trace and",
                "charts are kept, the others' replays go to SETTING/seeds/)."})
    int seeds;

    @Option(names = "--threads", paramLabel = "N", description = "Replay threads (default: the CPUs).")
    Integer threads;

    @Option(names = "--costs", paramLabel = "PROFILE", defaultValue = org.iosup.model.CostProfile.DEFAULT_NAME,
            description = "CPU cost profile, built-in or a file, as replay's --costs (default: ${DEFAULT-VALUE}).")
    String costs;

    @Mixin
    Mixins.Quiet quiet;

    @Override
    public Integer call() {
        if (minutes < 1) {
            throw new UserException("--minutes must be at least 1, got " + minutes);
        }
        if (threads != null && threads < 1) {
            throw new UserException("--threads must be at least 1, got " + threads);
        }
        PrintWriter err = spec.commandLine().getErr();
        long start = System.nanoTime();
        Demo.Options o = new Demo.Options(minutes, nicGbps, seed, seeds,
                threads == null ? Runtime.getRuntime().availableProcessors() : threads,
                org.iosup.model.CostProfile.load(costs));
        // Each step's line: its name when it starts, its own duration when it ends.
        long[] stepStart = {0};
        boolean[] open = {false};
        Demo.Result result;
        try {
            result = Demo.run(output, o, s -> {
                if (!quiet.on()) {
                    endStep(err, open, stepStart);
                    err.printf(Locale.ROOT, "iosup demo: %-26s", s);
                    err.flush();
                    open[0] = true;
                    stepStart[0] = System.nanoTime();
                }
            });
        } finally {
            endStep(err, open, stepStart);
        }
        if (!quiet.on()) {
            print(result.lines(), spec.commandLine().getOut());
            PrintWriter out = spec.commandLine().getOut();
            out.println("cache-dynamic-enabled is " + result.dynamic().spec() + ": " + result.dynamic().note());
            out.println();
            out.print(org.iosup.demo.PaperTable.table(result.paper()));
            out.flush();
            err.printf(Locale.ROOT, "iosup demo: done in %.1f s -> %s (figures: %s/busy/xen-4.2.1/flushes.png, cpu.png, ...)%n",
                    (System.nanoTime() - start) / 1e9, output, output);
            err.flush();
        }
        return 0;
    }

    private static void endStep(PrintWriter err, boolean[] open, long[] stepStart) {
        if (open[0]) {
            err.printf(Locale.ROOT, "%6.1f s%n", (System.nanoTime() - stepStart[0]) / 1e9);
            err.flush();
            open[0] = false;
        }
    }

    private static void print(List<Demo.Line> lines, PrintWriter out) {
        String fmt = "%-5s %-10s %-22s %15s %15s %12s %13s %10s %14s %14s%n";
        out.printf(Locale.ROOT, fmt, "", "", "", "flush calls/min", "", "issued/min", "pool", "cpu ms/min", "alloc", "free");
        out.printf(Locale.ROOT, fmt, "set", "profile", "group", "min 0-4", "min 5+", "min 5+", "peak", "alloc+free", "vs dis.", "vs dis.");
        for (Demo.Line l : lines) {
            Double cpu = l.allocMs().mean() == null ? null : l.allocMs().mean() + l.freeMs().mean();
            out.printf(Locale.ROOT, fmt, l.setting(), l.profile(), l.group(), num(l.callsBefore()), num(l.callsAfter()),
                    num(l.issuedAfter()), num(l.poolPeak()), cpu == null ? "-" : String.format(Locale.ROOT, "%.1f", cpu),
                    pct(l.allocChange()), pct(l.freeChange()));
        }
        if (lines.stream().anyMatch(l -> l.seeds() > 1)) {
            out.printf(Locale.ROOT, "(means over %d seeds, ± the half-width of the 95%% interval; summary.csv has every interval)%n",
                    lines.get(0).seeds());
        }
        out.flush();
    }

    private static String num(org.iosup.analysis.Replicates r) {
        if (r.mean() == null) {
            return "-";
        }
        return String.format(Locale.ROOT, "%,.0f", r.mean())
                + (r.ci95() == null ? "" : String.format(Locale.ROOT, " ± %,.0f", r.ci95()));
    }

    private static String pct(org.iosup.analysis.Replicates r) {
        if (r.mean() == null) {
            return "-";
        }
        return String.format(Locale.ROOT, "%+.1f%%", r.mean())
                + (r.ci95() == null ? "" : String.format(Locale.ROOT, " ± %.1f", r.ci95()));
    }
}
