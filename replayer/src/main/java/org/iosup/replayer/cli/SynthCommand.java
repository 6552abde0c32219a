package org.iosup.replayer.cli;

import org.iosup.analysis.Durations;
import org.iosup.cli.Mixins;
import org.iosup.cli.Progress;
import org.iosup.cli.Reports;
import org.iosup.cli.VersionProvider;
import org.iosup.io.AtomicOutput;
import org.iosup.io.UserException;
import org.iosup.model.guest.Paging;
import org.iosup.synth.SynthParams;
import org.iosup.synth.SyntheticTrace;
import org.iosup.trace.BatchPipe;
import org.iosup.trace.csv.CsvTraceWriter;
import org.iosup.trace.parquet.ParquetTraceWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code iosup synth}: the paper's settings as seeded, streaming traces. */
@Command(name = "synth", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Synthesize a trace of the paper's idle, busy or boot-then-busy setting, lmbench's fork+exit or netperf.", sortOptions = false,
        description = {
            "Synthesize a trace of the paper's idle or busy setting (or idle then busy): processes with their",
            "page-table pages (docs/model.md §5), mmu_update batches, NIC and disk DMA. Seeded and deterministic:",
            "the same parameters and seed give the same file. Every default and its source: --describe.",
            "fork-exit: lmbench's lat_proc fork, a parent forking children that exit at once (replay's",
            "summary.csv then gives the CPU time per fork+exit in cpu_us_per_exit). netperf: TCP_STREAM",
            "filling the NIC's link (--nic-gbps), alone or with the busy setting's processes (--busy-churn)."
        })
public final class SynthCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--preset", required = true, paramLabel = "NAME", description = "idle, busy, boot-busy, fork-exit or netperf.")
    String preset;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.parquet", description = "The trace to write (its folder must exist).")
    Path output;

    @Option(names = "--describe", description = "Print every parameter in effect with its source, and write nothing.")
    boolean describe;

    @Option(names = "--csv", description = "Write CSV (the events schema) instead of Parquet.")
    boolean csv;

    @Option(names = "--codec", defaultValue = "zstd", description = "Parquet compression (default: ${DEFAULT-VALUE}).")
    String codec;

    @Option(names = "--minutes", paramLabel = "N", description = "Trace length in minutes (default 30).")
    Double minutes;

    @Option(names = "--seed", paramLabel = "S", description = "Random seed (default 1).")
    Long seed;

    @Option(names = "--paging", paramLabel = "MODE", description = "pae (default, the paper's) or x86-64.")
    String paging;

    @Option(names = "--creations-per-min", paramLabel = "X", description = "busy: process creations a minute (default 542.14); fork-exit: forks a minute (default 60000).")
    Double creationsPerMin;

    @Option(names = "--iteration-min", paramLabel = "X", description = "busy: minutes per iteration of the stress loop (default 5).")
    Double iterationMin;

    @Option(names = "--lifetime-exponent", paramLabel = "K", description = "busy: k of P(lifetime > t) ~ t^k (default -1).")
    Double lifetimeExponent;

    @Option(names = "--min-lifetime-s", paramLabel = "X", description = "Shortest child lifetime in seconds (default 0.05).")
    Double minLifetimeS;

    @Option(names = "--exec-share", paramLabel = "X", description = "Share of children that exec (default 0.8).")
    Double execShare;

    @Option(names = "--browser-mb", paramLabel = "X", description = "busy: browser memory at the end of an iteration, MB (default 284.1).")
    Double browserMb;

    @Option(names = "--boot-processes", paramLabel = "N", description = "idle: processes of the boot burst (default 150).")
    Integer bootProcesses;

    @Option(names = "--daemons", paramLabel = "N", description = "idle: daemons that stay (default 25).")
    Integer daemons;

    @Option(names = "--decay-min", paramLabel = "X", description = "idle: time constant of the churn's decay, minutes (default 2).")
    Double decayMin;

    @Option(names = "--ramp-min", paramLabel = "M",
            description = {"busy: the creation rate rises linearly from 0 to --creations-per-min over the loop's first",
                "M minutes (a cold-start hypothesis; default 0: the full rate at once; docs/synthesizer.md)."})
    Double rampMin;

    @Option(names = "--busy-after", paramLabel = "TIME", description = "boot-busy: idle time before the busy loop (default 10m).")
    String busyAfter;

    @Option(names = "--nic-gbps", paramLabel = "X", description = "NIC throughput in Gb/s; 0 turns NIC DMA off (default 1).")
    Double nicGbps;

    @Option(names = "--packet-bytes", paramLabel = "N", description = "Bytes per packet (default 1514).")
    Integer packetBytes;

    @Option(names = "--rx-share", paramLabel = "X", description = "Share of packets received (default 0.5).")
    Double rxShare;

    @Option(names = "--ring-entries", paramLabel = "N", description = "NIC buffers per ring (default 256).")
    Integer ringEntries;

    @Option(names = "--disk-mbps", paramLabel = "X", description = "Disk throughput in MB/s; 0 turns disk DMA off (default 8).")
    Double diskMbps;

    @Option(names = "--disk-request-kb", paramLabel = "N", description = "KiB per disk request (default 64).")
    Integer diskRequestKb;

    @Option(names = "--cpus", paramLabel = "N", description = "Guest CPUs (default 4).")
    Integer cpus;

    @Option(names = "--sndbuf-kb", paramLabel = "N", description = "netperf: the socket's send buffer, KiB (default 4096).")
    Integer sndbufKb;

    @Option(names = "--busy-churn", description = "netperf: run the busy setting's processes beside it.")
    boolean busyChurn;

    @Option(names = "--force", description = "Write even when the estimated size exceeds the free space of the target's file system.")
    boolean force;

    @Mixin
    Mixins.Quiet quiet;

    /** Bytes an event takes, about: measured on busy traces (3.4 in Parquet, ZSTD) with a margin; CSV rows are longer. */
    static final double PARQUET_BYTES_PER_EVENT = 4;
    static final double CSV_BYTES_PER_EVENT = 50;

    /** The parameters in effect: the preset's defaults, overridden by the options given. */
    public SynthParams params() {
        SynthParams d = SynthParams.defaults(preset);
        List<String> busy = List.of("busy", "boot-busy");
        List<String> idle = List.of("idle", "boot-busy");
        notFor(List.of("busy", "boot-busy", "fork-exit", "netperf"), "--creations-per-min", creationsPerMin);
        notFor(busy, "--iteration-min", iterationMin);
        notFor(busy, "--lifetime-exponent", lifetimeExponent);
        notFor(busy, "--browser-mb", browserMb);
        notFor(idle, "--boot-processes", bootProcesses);
        notFor(idle, "--daemons", daemons);
        notFor(idle, "--decay-min", decayMin);
        notFor(List.of("boot-busy"), "--busy-after", busyAfter);
        notFor(busy, "--ramp-min", rampMin);
        notFor(List.of("idle", "busy", "boot-busy"), "--min-lifetime-s", minLifetimeS);
        notFor(List.of("idle", "busy", "boot-busy"), "--exec-share", execShare);
        notFor(List.of("netperf"), "--sndbuf-kb", sndbufKb);
        notFor(List.of("netperf"), "--busy-churn", busyChurn ? Boolean.TRUE : null);
        SynthParams.Builder b = d.toBuilder().minutes(or(minutes, d.minutes())).seed(seed == null ? d.seed() : seed)
                .creationsPerMin(or(creationsPerMin, d.creationsPerMin())).iterationMin(or(iterationMin, d.iterationMin()))
                .lifetimeExponent(or(lifetimeExponent, d.lifetimeExponent())).minLifetimeS(or(minLifetimeS, d.minLifetimeS()))
                .execShare(or(execShare, d.execShare())).browserMb(or(browserMb, d.browserMb()))
                .decayMin(or(decayMin, d.decayMin())).nicGbps(or(nicGbps, d.nicGbps())).rxShare(or(rxShare, d.rxShare()))
                .diskMbps(or(diskMbps, d.diskMbps())).rampMin(or(rampMin, d.rampMin()))
                .busyChurn(busyChurn || d.busyChurn());
        if (paging != null) {
            b.paging(Paging.parse(paging, "--paging"));
        }
        if (bootProcesses != null) {
            b.bootProcesses(bootProcesses);
        }
        if (daemons != null) {
            b.daemons(daemons);
        }
        if (busyAfter != null) {
            b.busyAfterMin(Durations.parseNanos(busyAfter, "--busy-after") / 60e9);
        }
        if (packetBytes != null) {
            b.packetBytes(packetBytes);
        }
        if (ringEntries != null) {
            b.ringEntries(ringEntries);
        }
        if (diskRequestKb != null) {
            b.diskRequestKb(diskRequestKb);
        }
        if (cpus != null) {
            b.cpus(cpus);
        }
        if (sndbufKb != null) {
            b.sndbufKb(sndbufKb);
        }
        return b.build().validate();
    }

    /** Refuses (unless --force) a trace whose estimated size exceeds the free space where it goes. */
    private void checkSpace(SynthParams p) {
        double events = p.eventsPerMinute() * p.minutes();
        double bytes = events * (csv ? CSV_BYTES_PER_EVENT : PARQUET_BYTES_PER_EVENT);
        Path folder = output.toAbsolutePath().normalize().getParent();
        if (force || folder == null || !Files.isDirectory(folder)) {
            return;
        }
        try {
            long free = Files.getFileStore(folder).getUsableSpace();
            if (bytes > free) {
                throw new UserException(String.format(Locale.ROOT, "the trace would take about %s (%,.0f events) and %s"
                        + " has %s free; shorten --minutes, or give --force to write anyway", Reports.bytes((long) bytes),
                        events, folder, Reports.bytes(free)));
            }
        } catch (java.io.IOException e) {
            // Unknown free space: write, and let a full disk be reported as such.
        }
    }

    private static long lastSecond(org.iosup.trace.EventBatch b) {
        return b.size() == 0 ? 0 : b.tsNs()[b.size() - 1] / 1_000_000_000L;
    }

    /** An option given for a preset it does not apply to is an error, not silently ignored. */
    private void notFor(List<String> presets, String option, Object value) {
        if (!presets.contains(preset) && value != null) {
            String list = presets.size() == 1 ? presets.get(0)
                    : String.join(", ", presets.subList(0, presets.size() - 1)) + " or " + presets.get(presets.size() - 1);
            throw new UserException(option + " applies to --preset " + list + ", not to --preset " + preset);
        }
    }

    private static double or(Double v, double d) {
        return v == null ? d : v;
    }

    @Override
    public Integer call() throws IOException {
        SynthParams p = params();
        PrintWriter out = spec.commandLine().getOut();
        if (describe) {
            out.printf(Locale.ROOT, "%-18s %-10s %s%n", "parameter", "value", "source");
            for (SynthParams.Described d : p.describe()) {
                out.printf(Locale.ROOT, "%-18s %-10s %s%n", d.name(), d.value(), d.source());
            }
            out.flush();
            return 0;
        }
        if (output == null) {
            throw new UserException("-o OUT.parquet is required (or --describe)");
        }
        checkSpace(p);
        long start = System.nanoTime();
        long rows;
        // The bar counts seconds of trace time written.
        Progress progress = Progress.start("synth", Math.round(p.minutes() * 60), "s", quiet.on());
        try (SyntheticTrace trace = new SyntheticTrace(p)) {
            if (csv) {
                try (AtomicOutput file = AtomicOutput.create(output)) {
                    try (CsvTraceWriter w = new CsvTraceWriter(new BufferedWriter(new java.io.OutputStreamWriter(
                            file.newOutputStream(), StandardCharsets.UTF_8), 1 << 16), trace.metadata())) {
                        long[] n = {0};
                        BatchPipe.copy(trace, b -> {
                            w.write(b);
                            n[0] += b.size();
                            progress.accept(lastSecond(b));
                        });
                        rows = n[0];
                    }
                    file.commit();
                }
            } else {
                try (ParquetTraceWriter w = ParquetTraceWriter.create(output, ParquetTraceWriter.codec(codec), trace.metadata())) {
                    BatchPipe.copy(trace, b -> {
                        w.write(b);
                        progress.accept(lastSecond(b));
                    });
                    w.commit();
                    rows = w.rows();
                }
            }
            progress.close();
            if (!quiet.on()) {
                double s = (System.nanoTime() - start) / 1e9;
                spec.commandLine().getErr().printf(Locale.ROOT,
                        "iosup synth: %s, %s min, seed %d: %,d events (%,d processes created, %,d exited) -> %s in %.2f s (%,.0f events/s)%n",
                        p.preset(), SynthParams.fmtMinutes(p.minutes()), p.seed(), rows, trace.created(), trace.exited(), output,
                        s, rows / Math.max(s, 1e-9));
                spec.commandLine().getErr().flush();
            }
        } finally {
            progress.close();
        }
        return 0;
    }
}
