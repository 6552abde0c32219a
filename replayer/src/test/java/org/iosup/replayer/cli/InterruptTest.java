package org.iosup.replayer.cli;

import org.iosup.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An interrupted command leaves nothing: SIGINT and SIGTERM remove its temporaries before it
 * exits; after SIGKILL, the next run for the same target removes what the killed one left.
 * Real processes (the iosup entry point in a child JVM), real signals.
 */
class InterruptTest {
    @TempDir
    Path dir;

    /** Starts {@code iosup args...} in a child JVM with this test's class path. */
    private static Process start(Path workDir, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                Iosup.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(workDir.resolve("child.log").toFile()).start();
    }

    private static List<String> entries(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("child.log")).sorted().toList();
        }
    }

    /** Waits (without a time limit of its own: JUnit's run is bounded by CI) until an entry named like {@code part} exists. */
    private static void awaitEntry(Path d, String part, Process p) throws IOException, InterruptedException {
        while (entries(d).stream().noneMatch(n -> n.contains(part))) {
            assertThat(p.isAlive()).as("the child ended before writing: " + Files.readString(d.resolve("child.log"))).isTrue();
            Thread.sleep(20);
        }
    }

    private static void signal(Process p, String sig) throws IOException, InterruptedException {
        assertThat(new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).start().waitFor()).isZero();
    }

    @Test
    void sigtermAndSigintLeaveNoTemporaryFile() throws Exception {
        for (String sig : new String[] {"TERM", "INT"}) {
            // A trace far too long to finish: a temporary appears, then the signal comes.
            Process p = start(dir, "synth", "--preset", "busy", "--minutes", "100000", "--nic-gbps", "1", "--force",
                    "-q", "-o", "busy.parquet");
            awaitEntry(dir, ".iosup-", p);
            signal(p, sig);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(sig.equals("TERM") ? 143 : 130);
            assertThat(entries(dir)).as(sig).isEmpty();
        }
    }

    @Test
    void theDemosStagingFolderGoesOnSigterm() throws Exception {
        Process p = start(dir, "demo", "--minutes", "10000", "-q", "-o", "out");
        awaitEntry(dir, ".out.iosup-", p);
        signal(p, "TERM");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(entries(dir)).isEmpty();
    }

    @Test
    void afterSigkillTheNextRunRemovesWhatTheKilledOneLeft() throws Exception {
        Process p = start(dir, "synth", "--preset", "busy", "--minutes", "100000", "--nic-gbps", "1", "--force",
                "-q", "-o", "busy.parquet");
        awaitEntry(dir, ".iosup-", p);
        p.destroyForcibly();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String> left = entries(dir);
        assertThat(left).singleElement().asString().startsWith(".busy.parquet.iosup-" + p.pid() + "-").endsWith(".tmp");
        // A temporary of another target, and one of a live process, are not touched.
        Path other = Files.writeString(dir.resolve(".other.parquet.iosup-" + p.pid() + "-1.tmp"), "x");
        Path live = Files.writeString(dir.resolve(".busy.parquet.iosup-" + ProcessHandle.current().pid() + "-2.tmp"), "x");
        CliRun r = CliRun.run(new SynthCommand(), "--preset", "idle", "--minutes", "1", "-q",
                "-o", dir.resolve("busy.parquet").toString());
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(entries(dir)).containsExactlyInAnyOrder("busy.parquet", other.getFileName().toString(),
                live.getFileName().toString());
    }
}
