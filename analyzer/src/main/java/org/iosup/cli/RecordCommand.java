package org.iosup.cli;

import org.iosup.analysis.Durations;
import org.iosup.io.AtomicOutput;
import org.iosup.io.Failures;
import org.iosup.io.Temporaries;
import org.iosup.io.UserException;
import org.iosup.trace.perf.ImportReport;
import org.iosup.trace.perf.PerfTraceImport;
import org.iosup.trace.perf.XenLevels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code iosup record}: records a workload with perf, system-wide, and imports it. */
@Command(name = "record", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Record a workload system-wide with perf and import it as a trace.",
        description = {
            "Run COMMAND under 'perf record -a' with the tracepoints the model needs",
            "(process fork/exec/exit, page allocations with bounded kernel call chains,",
            "page frees, and xen:/iommu: ones where the kernel has them), keep recording",
            "for --tail after it ends (page-table frees come late, from RCU), then pipe",
            "'perf script' into the importer: OUT.parquet and OUT.import.json. Needs perf",
            "and the right to record system-wide (root). Exit code 1 if COMMAND failed."
        })
public final class RecordCommand implements Callable<Integer> {
    static final String[] BASE_EVENTS = {"sched:sched_process_fork", "sched:sched_process_exec", "sched:sched_process_exit",
        "kmem:mm_page_free", "kmem:mm_page_free_batched"};
    static final String[] OPTIONAL_EVENTS = {"xen:xen_mmu_alloc_ptpage", "xen:xen_mmu_release_ptpage",
        "xen:xen_mmu_pgd_pin", "xen:xen_mmu_pgd_unpin", "iommu:map", "iommu:unmap"};

    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.parquet", description = "The trace to write.")
    Path output;

    @Option(names = "--calibrate", description = "Record a short run of a known command and check that page-table allocations are found on this kernel.")
    boolean calibrate;

    @Option(names = "--keep-perf-data", description = "Keep perf's own recording, as OUT.perf.data.")
    boolean keepPerfData;

    @Option(names = "--tail", defaultValue = "1s", paramLabel = "TIME", description = "Recording after COMMAND ends (at least 1s; default: ${DEFAULT-VALUE}).")
    String tail;

    @Option(names = "--max-stack", defaultValue = "16", paramLabel = "N", description = "Kernel call-chain depth of page allocations (default: ${DEFAULT-VALUE}).")
    int maxStack;

    @Option(names = "--perf", defaultValue = "perf", paramLabel = "PATH", description = "The perf program (default: ${DEFAULT-VALUE}).")
    String perf;

    @Option(names = {"-q", "--quiet"}, description = "Print nothing but errors and COMMAND's own output.")
    boolean quiet;

    @Parameters(paramLabel = "COMMAND", description = "The workload, after --.")
    List<String> command = new ArrayList<>();

    /** The short workload of {@code --calibrate}: forks, execs and a little memory. */
    static final List<String> CALIBRATION = List.of("sh", "-c",
            "for i in 1 2 3 4 5 6 7 8 9 10; do /bin/true; ls / >/dev/null; done");

    @Override
    public Integer call() throws IOException, InterruptedException {
        long tailNs = Durations.parseNanos(tail, "--tail");
        if (tailNs < 1_000_000_000L) {
            throw new UserException("--tail must be at least 1s (page-table frees arrive late), got " + tail);
        }
        if (maxStack < 4 || maxStack > 127) {
            throw new UserException("--max-stack must be 4..127, got " + maxStack);
        }
        if (!calibrate && command.isEmpty()) {
            throw new UserException("give the workload after --, e.g.: iosup record -o out.parquet -- make -j2");
        }
        Path target = output.toAbsolutePath().normalize();
        AtomicOutput.checkWritableTarget(output, target, target.getParent());
        perfVersion = checkPerf();
        eventArgs = eventArgs();
        if (calibrate) {
            if (command.isEmpty()) {
                calibrate(target, tailNs);
                return 0;
            }
            // Calibrate into a scratch file first, then record the workload.
            Path scratch = Temporaries.nameFor(target, "tmp");
            scratch(() -> Files.createDirectory(scratch), target);
            Temporaries.register(scratch);
            try {
                calibrate(scratch.resolve("calibrate.parquet"), tailNs);
            } finally {
                Temporaries.deleteTree(scratch);
                Temporaries.unregister(scratch);
            }
        }
        return record(command, target, tailNs, keepPerfData).exit() == 0 ? 0 : 1;
    }

    private void calibrate(Path out, long tailNs) throws IOException, InterruptedException {
        ImportReport r = record(CALIBRATION, out, tailNs, false).report();
        long found = r.allocs(1) + r.allocs(2) + r.allocs(3) + r.allocs(4);
        Map<String, Object> m = r.asMap();
        PrintWriter err = spec.commandLine().getErr();
        err.printf(Locale.ROOT, "iosup record --calibrate: %d page-table allocations found by call chain %s; "
                        + "%s of them had gfp_flags GFP_KERNEL_ACCOUNT|__GFP_ZERO|__GFP_COMP, as did %s other allocations%n",
                found, m.get("pt_allocs_by_level"), m.get("pt_allocations_with_pt_gfp_flags"),
                m.get("other_allocations_with_pt_gfp_flags"));
        err.flush();
        if (found == 0 || r.allocs(1) == 0) {
            throw new UserException("calibration found no " + (found == 0 ? "" : "PTE-level ") + "page-table allocation in "
                    + "the kernel call chains (pgd_alloc, __pud_alloc, __pmd_alloc, pte_alloc_one): this kernel may lack "
                    + "frame pointers or the allocators may be inlined; see " + PerfTraceImport.sidecar(out));
        }
    }

    /** What perf reported of itself (checked once). */
    private String perfVersion;
    /** The events to record, as perf record's -e arguments (checked once). */
    private List<String> eventArgs;

    /** A recording: the workload's exit code and the import's report. */
    private record Recorded(int exit, ImportReport report) {
    }

    /** Records {@code workload} system-wide into {@code out}. */
    private Recorded record(List<String> workload, Path out, long tailNs, boolean keep) throws IOException, InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        // Scratch files named as every temporary of iosup: removed on SIGINT/SIGTERM by the shutdown
        // hook, and after a SIGKILL by the next run for the same output.
        Temporaries.removeStale(out);
        Path data = scratch(out);
        Path scriptErr = scratch(out);
        Path recordErr = scratch(out);
        Process[] running = new Process[2];
        // Killed (SIGTERM, Ctrl-C): stop perf and the workload.
        Thread cleanup = new Thread(() -> {
            for (Process p : running) {
                if (p != null && p.isAlive()) {
                    p.destroy();
                }
            }
        });
        Runtime.getRuntime().addShutdownHook(cleanup);
        Process recorder = null;
        try {
            // perf must not outlive iosup, even killed with SIGKILL (no hook runs then): setpriv
            // (util-linux) makes the kernel send perf SIGINT when its parent dies.
            List<String> rec = new ArrayList<>(SETPRIV == null ? List.of() : List.of(SETPRIV, "--pdeathsig", "INT", "--"));
            rec.addAll(List.of(perf, "record", "-q", "-a", "-o", data.toString()));
            rec.addAll(eventArgs);
            // perf's messages go to a file: a pipe nobody reads while it runs could fill and stall it.
            recorder = new ProcessBuilder(rec).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(recordErr.toFile()).start();
            running[0] = recorder;
            Thread.sleep(500);
            if (!recorder.isAlive()) {
                throw new UserException("perf record failed: " + Files.readString(recordErr).strip().replace('\n', ' '));
            }
            long start = System.nanoTime();
            Process work;
            try {
                work = new ProcessBuilder(workload).inheritIO().start();
            } catch (IOException e) {
                throw new UserException("cannot run " + workload.get(0) + ": " + e.getMessage());
            }
            running[1] = work;
            int exit = work.waitFor();
            double ran = (System.nanoTime() - start) / 1e9;
            Thread.sleep(tailNs / 1_000_000);
            new ProcessBuilder("kill", "-INT", Long.toString(recorder.pid())).start().waitFor();
            if (!recorder.waitFor(120, TimeUnit.SECONDS)) {
                throw new UserException("perf record did not stop within 120 s of SIGINT");
            }
            if (!quiet) {
                err.printf(Locale.ROOT, "iosup record: %s ran %.2f s, exit code %d; recorded %.1f MB; importing%n",
                        String.join(" ", workload), ran, exit, Files.size(data) / 1e6);
                err.flush();
            }
            Map<String, String> meta = new LinkedHashMap<>();
            // One line: the CSV form holds metadata as '# key=value' lines.
            meta.put("iosup.record.command", String.join(" ", workload).replaceAll("\\p{Cntrl}", " ").strip());
            meta.put("iosup.record.kernel", kernel());
            meta.put("iosup.record.perf", perfVersion);
            meta.put("iosup.record.date", Instant.now().toString());
            Process script = new ProcessBuilder(perf, "script", "-i", data.toString(), "--ns", "-F",
                    "comm,pid,tid,cpu,time,event,trace,ip,sym").redirectError(scriptErr.toFile()).start();
            ImportReport r;
            try (InputStream in = script.getInputStream()) {
                r = PerfTraceImport.write("perf script of " + out.getFileName(), in, out, false, false, XenLevels.P4D,
                        false, "zstd", meta, () -> {
                            int code = waitFor(script);
                            if (code != 0) {
                                throw new UserException("perf script failed (exit code " + code + "): "
                                        + Files.readString(scriptErr).strip().replace('\n', ' '));
                            }
                        });
            }
            if (keep) {
                Files.move(data, PerfTraceImport.beside(out, ".perf.data"), StandardCopyOption.REPLACE_EXISTING);
            }
            if (!quiet) {
                ImportCommand.summarize(r, out, -1, err);
            }
            return new Recorded(exit, r);
        } finally {
            if (recorder != null && recorder.isAlive()) {
                recorder.destroyForcibly();
            }
            for (Path f : new Path[] {data, scriptErr, recordErr}) {
                Files.deleteIfExists(f);
                Temporaries.unregister(f);
            }
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // the JVM is already stopping: the hook runs
            }
        }
    }

    /** Creates a hidden scratch file beside the output; a folder we may not write in is the user's to fix. */
    private static Path scratch(Path out) {
        Path p = Temporaries.nameFor(out, "tmp");
        try {
            Files.createFile(p);
        } catch (IOException e) {
            throw new UserException("cannot write in " + out.getParent() + " (for " + out.getFileName() + "): "
                    + Failures.reason(e));
        }
        Temporaries.register(p);
        return p;
    }

    /** util-linux's setpriv, which can give perf a parent-death signal; null where it is missing. */
    private static final String SETPRIV = java.util.stream.Stream.of("/usr/bin/setpriv", "/bin/setpriv")
            .filter(f -> Files.isExecutable(Path.of(f))).findFirst().orElse(null);

    /** Creates a scratch file or folder beside the output; a folder we may not write in is the user's to fix. */
    private static Path scratch(IoCall<Path> make, Path out) {
        try {
            return make.call();
        } catch (IOException e) {
            throw new UserException("cannot write in " + out.getParent() + " (for " + out.getFileName() + "): " + e);
        }
    }

    /** An I/O step that returns a value. */
    private interface IoCall<T> {
        T call() throws IOException;
    }

    private static int waitFor(Process p) {
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("interrupted while waiting for perf script");
        }
    }

    /** Checks that perf is installed and may record system-wide; returns its version. */
    private String checkPerf() throws IOException, InterruptedException {
        Process v;
        try {
            v = new ProcessBuilder(perf, "--version").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UserException("perf is not installed (Debian: apt-get install linux-perf)");
        }
        String version = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (v.waitFor() != 0) {
            throw new UserException("'" + perf + " --version' failed; install perf (Debian: apt-get install linux-perf)");
        }
        Path probe = Files.createTempFile("iosup-perf-probe", ".data");
        try {
            Process p = new ProcessBuilder(perf, "record", "-q", "-a", "-e", "sched:sched_process_exit", "-o", probe.toString(),
                    "--", "true").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                String paranoid = readOr(Path.of("/proc/sys/kernel/perf_event_paranoid"), "?");
                throw new UserException("perf may not record system-wide here (perf_event_paranoid=" + paranoid.strip()
                        + "): run as root, or allow it with 'sysctl kernel.perf_event_paranoid=-1' and make "
                        + "/sys/kernel/tracing readable; perf said: " + out.strip().replace('\n', ' '));
            }
        } finally {
            Files.deleteIfExists(probe);
        }
        return version;
    }

    /** The -e arguments: the base events, allocations with call chains, and the optional ones this kernel has. */
    private List<String> eventArgs() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(perf, "list", "--raw-dump", "tracepoint").redirectErrorStream(true).start();
        List<String> present = List.of(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\\s+"));
        p.waitFor();
        List<String> args = new ArrayList<>();
        for (String e : BASE_EVENTS) {
            args.add("-e");
            args.add(e);
        }
        args.add("-e");
        args.add("kmem:mm_page_alloc/call-graph=fp,max-stack=" + maxStack + "/");
        for (String e : OPTIONAL_EVENTS) {
            if (present.contains(e)) {
                args.add("-e");
                args.add(e);
            }
        }
        return args;
    }

    private static String kernel() {
        return readOr(Path.of("/proc/sys/kernel/osrelease"), "unknown").strip();
    }

    private static String readOr(Path p, String dflt) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return dflt;
        }
    }
}
