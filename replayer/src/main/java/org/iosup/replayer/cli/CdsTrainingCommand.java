package org.iosup.replayer.cli;

import org.iosup.io.Temporaries;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The launcher's training run for its class-data-sharing archive (not for users; hidden from the
 * help): runs the everyday commands once on a tiny trace in a temporary folder, so that the JVM
 * started with {@code -XX:ArchiveClassesAtExit} archives the classes they load. Later runs map
 * them from the archive instead of loading and verifying them from the jar.
 */
@Command(name = "cds-training", hidden = true, description = "Load the everyday commands' classes once (the launcher's class-data-sharing archive).")
public final class CdsTrainingCommand implements Callable<Integer> {
    @Override
    public Integer call() throws IOException {
        Path dir = Files.createTempDirectory("iosup-cds");
        try {
            String trace = dir.resolve("t.parquet").toString();
            String csv = dir.resolve("t.csv").toString();
            for (List<String> args : List.of(
                    List.of("--help"),
                    List.of("--version"),
                    List.of("replay", "--help"),
                    List.of("synth", "--preset", "busy", "--minutes", "0.5", "-q", "-o", trace),
                    List.of("inspect", trace),
                    List.of("inspect", "--json", trace),
                    List.of("export", trace, "-q", "-o", csv),
                    List.of("ingest", csv, "-q", "-o", dir.resolve("u.parquet").toString()),
                    List.of("replay", trace, "-q", "-o", dir.resolve("r").toString()),
                    List.of("analyze", trace, "-q", "-o", dir.resolve("a").toString()),
                    List.of("compare", dir.resolve("r").toString(), "-o", dir.resolve("c").toString()))) {
                CommandLine cl = Iosup.commandLine();
                cl.setOut(new PrintWriter(new StringWriter()));
                cl.setErr(new PrintWriter(new StringWriter()));
                cl.execute(args.toArray(String[]::new));
            }
        } finally {
            Temporaries.deleteTree(dir);
        }
        return 0;
    }
}
