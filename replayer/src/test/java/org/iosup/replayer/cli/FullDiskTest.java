package org.iosup.replayer.cli;

import org.iosup.cli.Cli;
import org.iosup.cli.ExportCommand;
import org.iosup.testing.CliRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A full disk is reported in one line with exit code 3 ({@code Cli.EXIT_SYSTEM}), naming what was
 * being written, and leaves nothing. The disk is a real 256 KiB tmpfs, mounted where the test may
 * mount (as root, as CI runs); elsewhere the test is skipped.
 */
class FullDiskTest {
    @TempDir
    Path dir;
    Path small;
    boolean mounted;

    @BeforeEach
    void mount() throws Exception {
        small = Files.createDirectory(dir.resolve("small"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", small.toString())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        mounted = p.waitFor() == 0;
        assumeTrue(mounted, "cannot mount a tmpfs here (not root?)");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", "-l", small.toString()).start().waitFor();
        }
    }

    private long entries() throws IOException {
        try (Stream<Path> s = Files.list(small)) {
            return s.count();
        }
    }

    @Test
    void aFullDiskIsOneLineExitThreeAndNothingLeft() throws IOException {
        Path out = small.resolve("idle.parquet");
        CliRun r = CliRun.run(new SynthCommand(), "--preset", "busy", "--minutes", "1", "--force", "-q", "-o", out.toString());
        assertThat(r.exitCode).as(r.toString()).isEqualTo(Cli.EXIT_SYSTEM);
        assertThat(r.err).isEqualTo("synth: error: no space left on device while writing " + out + "; nothing was written\n");
        assertThat(entries()).isZero();

        // Without --force, synth sees that the trace cannot fit and says so before writing.
        r = CliRun.run(new SynthCommand(), "--preset", "busy", "--minutes", "1", "-q", "-o", out.toString());
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("the trace would take about").contains("free; shorten --minutes, or give --force");

        // export of a trace that fits elsewhere, as CSV, into the full disk.
        Path trace = dir.resolve("busy.parquet");
        assertThat(CliRun.run(new SynthCommand(), "--preset", "busy", "--minutes", "1", "-q", "-o", trace.toString())
                .exitCode).isZero();
        Path csv = small.resolve("busy.csv");
        r = CliRun.run(new ExportCommand(), trace.toString(), "-o", csv.toString(), "-q");
        assertThat(r.exitCode).as(r.toString()).isEqualTo(Cli.EXIT_SYSTEM);
        assertThat(r.err).isEqualTo("export: error: no space left on device while writing " + csv + "; nothing was written\n");
        assertThat(entries()).isZero();

        // A replay's output folder on the full disk: no folder left either.
        Path run = small.resolve("a/run");
        Files.write(small.resolve("filler"), new byte[(int) Files.getFileStore(small).getUsableSpace() - 2048]);
        r = CliRun.run(new ReplayCommand(), trace.toString(), "-o", run.toString(), "-q");
        assertThat(r.exitCode).as(r.toString()).isEqualTo(Cli.EXIT_SYSTEM);
        assertThat(r.err).startsWith("replay: error: no space left on device while writing " + run.resolve("")).endsWith(
                "; nothing was written\n");
        try (Stream<Path> s = Files.list(small)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("filler");
        }
    }
}
