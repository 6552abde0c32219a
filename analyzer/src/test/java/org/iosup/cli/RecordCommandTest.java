package org.iosup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.iosup.testing.CliRun;
import org.iosup.trace.parquet.ParquetTraceReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code iosup record}: its refusals everywhere, and real recordings where perf may record
 * system-wide (root with linux-perf, as on the project's machines; skipped elsewhere).
 */
class RecordCommandTest {
    @TempDir
    Path dir;

    private static boolean perfCanRecord() {
        try {
            Path probe = Files.createTempFile("iosup-test-perf", ".data");
            try {
                Process p = new ProcessBuilder("perf", "record", "-q", "-a", "-e", "sched:sched_process_exit", "-o",
                        probe.toString(), "--", "true").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                return p.waitFor() == 0;
            } finally {
                Files.deleteIfExists(probe);
            }
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String[] files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }

    @Test
    void refusalsNameTheFixAndWriteNothing() throws IOException {
        String out = dir.resolve("r.parquet").toString();
        CliRun r = CliRun.run(new RecordCommand(), "-o", out);
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("give the workload after --");
        r = CliRun.run(new RecordCommand(), "-o", out, "--tail", "500ms", "--", "true");
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("--tail must be at least 1s");
        r = CliRun.run(new RecordCommand(), "-o", out, "--perf", dir.resolve("no-perf").toString(), "--", "true");
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("perf is not installed (Debian: apt-get install linux-perf)").doesNotContain("\tat ");
        r = CliRun.run(new RecordCommand(), "-o", dir.resolve("missing/r.parquet").toString(), "--", "true");
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("output folder does not exist");
        assertThat(files()).isEmpty();
    }

    @Test
    void calibrationFindsPageTablesOnThisKernel() throws IOException {
        assumeTrue(perfCanRecord(), "perf cannot record system-wide here (needs root and linux-perf)");
        Path out = dir.resolve("cal.parquet");
        CliRun r = CliRun.run(new RecordCommand(), "-o", out.toString(), "--calibrate");
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.err).contains("iosup record --calibrate: ").contains("page-table allocations found by call chain");
        JsonNode m = new ObjectMapper().readTree(dir.resolve("cal.import.json").toFile());
        // The calibration loop forks and execs 20 processes: each gets at least its PGD and lower levels.
        for (int level = 1; level <= 4; level++) {
            assertThat(m.get("pt_allocs_by_level").get(Integer.toString(level)).asLong()).as("level " + level)
                    .isGreaterThanOrEqualTo(10);
        }
        assertThat(m.get("events_written").get("PROC_CREATE").asLong()).isGreaterThanOrEqualTo(20);
        try (ParquetTraceReader t = ParquetTraceReader.open(out)) {
            Map<String, String> meta = t.metadata();
            assertThat(meta).containsEntry("iosup.source", "perf").containsEntry("iosup.paging", "x86-64")
                    .containsKeys("iosup.record.kernel", "iosup.record.perf", "iosup.record.date", "iosup.record.command");
            assertThat(meta.get("iosup.record.perf")).startsWith("perf version");
        }
        assertThat(files()).containsExactly("cal.import.json", "cal.parquet");
    }

    @Test
    void aWorkloadIsRecordedWithItsExitCodeAndPerfDataKeptOnRequest() throws IOException {
        assumeTrue(perfCanRecord(), "perf cannot record system-wide here (needs root and linux-perf)");
        Path out = dir.resolve("w.parquet");
        CliRun r = CliRun.run(new RecordCommand(), "-o", out.toString(), "--keep-perf-data", "-q", "--",
                "sh", "-c", "ls / > /dev/null; exit 3");
        // The workload failed: the recording is still written, and the exit code says so.
        assertThat(r.exitCode).as(r.toString()).isEqualTo(1);
        assertThat(files()).containsExactly("w.import.json", "w.parquet", "w.perf.data");
        JsonNode m = new ObjectMapper().readTree(dir.resolve("w.import.json").toFile());
        assertThat(m.get("events_by_tracepoint").get("sched:sched_process_exec").asLong()).isPositive();
        // The examples say which lines, should a system-wide recording ever catch one the reader refuses.
        assertThat(m.get("malformed_lines").get("count").asLong()).as(m.get("malformed_lines").toString()).isZero();
    }

    /** perf must not outlive iosup: killed with SIGKILL (no shutdown hook runs), its perf stops too. */
    @Test
    void perfStopsWhenIosupIsKilled() throws Exception {
        assumeTrue(perfCanRecord(), "perf cannot record system-wide here (needs root and linux-perf)");
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Process iosup = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), KillableRecord.class.getName(),
                "-o", dir.resolve("k.parquet").toString(), "--", "sleep", "600").redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile()).start();
        ProcessHandle perf = null;
        while (perf == null) {
            assertThat(iosup.isAlive()).as(Files.readString(dir.resolve("child.log"))).isTrue();
            // The recording perf, writing the hidden scratch file of k.parquet (not perf's probe before it).
            perf = iosup.descendants().filter(h -> h.info().command().orElse("").endsWith("perf")
                    && String.join(" ", h.info().arguments().orElse(new String[0])).contains(".k.parquet.iosup-"))
                    .findFirst().orElse(null);
            Thread.sleep(50);
        }
        iosup.destroyForcibly();
        iosup.waitFor();
        // The kernel sends perf SIGINT as its parent dies; perf then writes its file and exits.
        assertThat(perf.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS).isAlive()).isFalse();
        // What the killed run left (its hidden scratch files) goes with the next run for the same output.
        assertThat(files()).anyMatch(f -> f.startsWith(".k.parquet.iosup-" + iosup.pid() + "-"));
        org.iosup.io.Temporaries.removeStale(dir.resolve("k.parquet"));
        assertThat(files()).containsExactly("child.log");
    }

    /** {@code iosup record} alone in a JVM, as the launcher runs it. */
    public static final class KillableRecord {
        public static void main(String[] args) {
            System.exit(Cli.configure(new picocli.CommandLine(new RecordCommand())).execute(args));
        }
    }
}
