package org.iosup.replayer.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real program (a JVM of its own, started by a shell) with its standard output closed, as
 * {@code iosup export x.parquet -o - >&-} leaves it: exit code 2 and one line on standard error,
 * not 0 with nothing written (issue 13).
 */
class ClosedOutputTest {
    @TempDir
    Path dir;

    private static Process iosup(String shellRedirect, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        StringBuilder cmd = new StringBuilder("exec '" + java + "' -cp \"$CP\" org.iosup.replayer.cli.Iosup");
        for (String a : args) {
            cmd.append(" '").append(a).append("'");
        }
        cmd.append(' ').append(shellRedirect);
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", cmd.toString());
        pb.environment().put("CP", System.getProperty("java.class.path"));
        pb.redirectError(ProcessBuilder.Redirect.PIPE);
        return pb.start();
    }

    private static int waitFor(Process p) throws InterruptedException {
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void exportToAClosedStandardOutputExitsWith2AndSaysSo() throws IOException, InterruptedException {
        Path parquet = Path.of("..", "traces", "perf-sample.parquet").toAbsolutePath();
        Process p = iosup(">&-", "export", parquet.toString(), "-o", "-");
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(waitFor(p)).as(err).isEqualTo(2);
        assertThat(err).isEqualTo("iosup export: error: standard output: cannot write the CSV (is it closed, or did its "
                + "reader stop?); what was written is incomplete\n");
        // With standard output open the same command writes the CSV, in UTF-8 whatever the locale.
        Path csv = dir.resolve("out.csv");
        p = iosup("> '" + csv + "'", "export", parquet.toString(), "-o", "-");
        assertThat(waitFor(p)).isZero();
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.get(0)).isEqualTo("# iosup.paging=x86-64");
        assertThat(lines).hasSize(6_464 + 5);
    }
}
