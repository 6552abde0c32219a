package org.iosup.replayer.cli;

import org.iosup.cli.Mixins;
import org.iosup.cli.VersionProvider;
import org.iosup.io.UserException;
import org.iosup.replayer.bench.ReplayBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code iosup bench replay}: replay speed with the paper's three policies in one read. */
@Command(name = "replay", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Benchmark a replay of the busy setting under the paper's three policies.",
        description = {
            "Write a trace of about N events to Parquet, then replay it under disabled, pre-enabled and dynamic@5m in one read,",
            "--runs times (timed); the first replay in this fresh JVM, JIT warm-up included, is the figure. Target: >= 20 million",
            "events/s on one thread. Workloads:",
            "busy (default), the synthesizer's busy preset, the paper's setting (about 0.4%% page-table events, the rest NIC and",
            "disk DMA); churn, a harder mix (about 5%% process and page-table events, DMA to random pages).",
            "Run with IOSUP_JAVA_OPTS=-Xmx512m to check that memory does not grow with the trace."
        })
public final class ReplayBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--events", defaultValue = "50000000", paramLabel = "N", description = "About how many events: churn writes N, busy as many minutes as give about N (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--workload", defaultValue = "busy", paramLabel = "NAME",
            description = "busy or churn (default: ${DEFAULT-VALUE}).")
    String workload;

    @Option(names = "--runs", defaultValue = "2", paramLabel = "N",
            description = "Replays in this JVM: the first is the figure (JIT warm-up included), the best of the others shows the speed "
                    + "once compiled (default: ${DEFAULT-VALUE}).")
    int runs;

    @Mixin
    Mixins.Seed seed;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "N", description = "Replay threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Mixin
    Mixins.BenchFiles files;

    @Mixin
    Mixins.Json json;

    @Override
    public Integer call() throws IOException {
        if (events <= 0 || threads <= 0 || runs <= 0) {
            throw new UserException("--events, --threads and --runs must be positive");
        }

        ReplayBenchmark.Workload w = switch (workload) {
            case "busy" -> ReplayBenchmark.Workload.BUSY;
            case "churn" -> ReplayBenchmark.Workload.CHURN;
            default -> throw new UserException("--workload: unknown workload '" + workload + "' (valid: busy, churn)");
        };
        Path folder = files.folder();
        Map<String, Object> r = ReplayBenchmark.run(w, events, seed.value(), threads, folder, files.keep(), runs);
        files.cleanUp(folder);
        PrintWriter out = spec.commandLine().getOut();
        if (json.on()) {
            Mixins.Json.print(out, r);
        } else {
            double rate = (Double) r.get("events_per_second");
            out.printf(Locale.ROOT, "iosup bench replay: %s workload, %,d events, 3 policies, %d thread(s), max heap %d MB%n",
                    r.get("workload"), (Long) r.get("replayed_events"), threads, (Long) r.get("max_heap_mb"));
            out.printf(Locale.ROOT, "  generated trace  %,.1f MB in %.2f s (not a figure)%n",
                    (Long) r.get("trace_bytes") / 1e6, (Double) r.get("generate_seconds"));
            out.printf(Locale.ROOT, "  replay (first)   %7.2f s  %,14.0f events/s  target %,.0f  %s%n",
                    (Double) r.get("replay_seconds"), rate, ReplayBenchmark.TARGET, rate >= ReplayBenchmark.TARGET ? "met" : "NOT MET");
            if (r.containsKey("warm_replay_seconds")) {
                out.printf(Locale.ROOT, "  replay again     %7.2f s  %,14.0f events/s  (best of %d more in this JVM, compiled: not the figure)%n",
                        (Double) r.get("warm_replay_seconds"), (Double) r.get("warm_events_per_second"), runs - 1);
            }
            out.printf(Locale.ROOT, "  heap in use after %d MB; anomalies %d%n", (Long) r.get("used_heap_mb_after"),
                    (Long) r.get("anomalies"));
        }
        out.flush();
        return 0;
    }
}
