package org.iosup.replayer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.iosup.cli.AnalyzeCommand;
import org.iosup.cli.CompareCommand;
import org.iosup.cli.ExportCommand;
import org.iosup.cli.ImportCommand;
import org.iosup.cli.IngestCommand;
import org.iosup.cli.InspectCommand;
import org.iosup.cli.PlotCommand;
import org.iosup.testing.CliRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What iosup does to files it did not make: nothing. An output never replaces an input, an output
 * folder is replaced only when the same command wrote it (its manifest lists every file,
 * unchanged), and a failing command leaves no file or folder behind.
 */
class OutputSafetyTest {
    private static final String CSV = "# iosup.paging=pae\nts_ns,kind,pid,ppid,frame,level\n"
            + "0,PROC_CREATE,1,0,,\n1000,PT_ALLOC,1,,100,3\n2000,PT_ALLOC,1,,101,2\n3000,PT_ALLOC,1,,102,1\n"
            + "61000000000,PT_FREE,1,,102,\n61000000001,PROC_EXIT,1,,,\n";

    @TempDir
    Path dir;
    Path csv;
    Path trace;

    @BeforeEach
    void trace() throws IOException {
        csv = dir.resolve("t.csv");
        Files.writeString(csv, CSV);
        trace = dir.resolve("t.parquet");
        assertThat(CliRun.run(new IngestCommand(), csv.toString(), "-o", trace.toString(), "-q").exitCode).isZero();
    }

    private Set<String> tree() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p) + (Files.isDirectory(p) ? "/" : ""))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void anOutputThatIsTheInputIsRefusedAndTheInputKept() throws IOException {
        byte[] csvBytes = Files.readAllBytes(csv);
        byte[] traceBytes = Files.readAllBytes(trace);
        CliRun r = CliRun.run(new IngestCommand(), csv.toString(), "-o", csv.toString());
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).isEqualTo("ingest: error: output " + csv + " is the input " + csv
                + " itself; writing it would replace what is read (give another -o)\n");
        // Another spelling of the same file, and a hard link to it: the same file by identity.
        r = CliRun.run(new IngestCommand(), csv.toString(), "-o", dir.resolve("x/../t.csv").toString());
        assertThat(r.exitCode).isEqualTo(2);
        Path link = dir.resolve("link.parquet");
        Files.createLink(link, trace);
        r = CliRun.run(new ExportCommand(), trace.toString(), "-o", link.toString());
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("is the input " + trace + " itself");
        Path perf = dir.resolve("p.txt");
        Files.writeString(perf, "perf 1/1 [000] 1.000000000: sched:sched_process_exit: comm=x pid=1 prio=120\n");
        r = CliRun.run(new ImportCommand(), "perf", perf.toString(), "-o", perf.toString());
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("is the input " + perf + " itself");
        assertThat(Files.readAllBytes(csv)).isEqualTo(csvBytes);
        assertThat(Files.readAllBytes(trace)).isEqualTo(traceBytes);
        assertThat(tree()).containsExactly("link.parquet", "p.txt", "t.csv", "t.parquet");
    }

    @Test
    void aReplayIntoAnotherCommandsFolderIsRefused() throws IOException {
        Path d = dir.resolve("d");
        assertThat(CliRun.run(new AnalyzeCommand(), trace.toString(), "-o", d.toString(), "-q").exitCode).isZero();
        byte[] minutes = Files.readAllBytes(d.resolve("minutes.csv"));
        Set<String> before = tree();
        CliRun r = CliRun.run(new ReplayCommand(), trace.toString(), "-o", d.toString(), "-q");
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).isEqualTo("replay: error: " + d + " holds the output of 'iosup analyze', not of 'iosup replay';"
                + " nothing was changed: give another -o\n");
        assertThat(Files.readAllBytes(d.resolve("minutes.csv"))).isEqualTo(minutes);
        assertThat(tree()).isEqualTo(before);
    }

    @Test
    void anEarlierRunOfTheSameCommandIsReplacedWhole() throws IOException {
        Path d = dir.resolve("run");
        assertThat(CliRun.run(new ReplayCommand(), trace.toString(), "-o", d.toString(), "-q").exitCode).isZero();
        // plot adds its figures to the run it draws; the manifest lists them too.
        assertThat(CliRun.run(new PlotCommand(), d.toString(), "-o", d.toString(), "-q").exitCode).isZero();
        JsonNode m = new ObjectMapper().readTree(d.resolve("manifest.json").toFile());
        assertThat(m.at("/command").asText()).isEqualTo("replay");
        assertThat(m.at("/files").findValuesAsText("path")).contains("minutes.csv", "summary.csv", "flushes.png", "cpu.png");
        // A second replay replaces the folder: the figures of the first one go, nothing is mixed.
        assertThat(CliRun.run(new ReplayCommand(), trace.toString(), "-o", d.toString(), "--policy", "disabled", "-q")
                .exitCode).isZero();
        assertThat(tree()).contains("run/manifest.json", "run/minutes.csv", "run/summary.csv").noneMatch(f -> f.endsWith(".png"));
        m = new ObjectMapper().readTree(d.resolve("manifest.json").toFile());
        assertThat(m.at("/files").findValuesAsText("path")).containsExactly("minutes.csv", "summary.csv", "devices.csv");
        // A file of the user's in the folder stops the next replay.
        Files.writeString(d.resolve("notes.md"), "mine");
        CliRun r = CliRun.run(new ReplayCommand(), trace.toString(), "-o", d.toString(), "-q");
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("holds notes.md, which the earlier 'iosup replay' there did not write");
        assertThat(Files.readString(d.resolve("notes.md"))).isEqualTo("mine");
    }

    @Test
    void aFailingCommandLeavesNoFolderBehind() throws IOException {
        Set<String> before = tree();
        String nested = dir.resolve("a/b/out").toString();
        // A CSV where a Parquet trace is expected: replay, analyze; plot of a folder without minutes.csv;
        // compare of a folder that is not a replay's.
        assertThat(CliRun.run(new ReplayCommand(), csv.toString(), "-o", nested).exitCode).isEqualTo(2);
        assertThat(CliRun.run(new AnalyzeCommand(), csv.toString(), "-o", nested).exitCode).isEqualTo(2);
        assertThat(CliRun.run(new PlotCommand(), dir.toString(), "-o", nested).exitCode).isEqualTo(2);
        assertThat(CliRun.run(new CompareCommand(), dir.toString(), "-o", nested).exitCode).isEqualTo(2);
        assertThat(CliRun.run(new ReplayCommand(), trace.toString(), "-o", nested, "--policy", "bogus").exitCode).isEqualTo(2);
        assertThat(CliRun.run(new SynthCommand(), "--preset", "busy", "--minutes", "0", "-o", nested).exitCode).isEqualTo(2);
        assertThat(CliRun.run(new IngestCommand(), trace.toString(), "-o", dir.resolve("x.parquet").toString())
                .exitCode).isEqualTo(2);
        assertThat(tree()).isEqualTo(before);
    }

    @Test
    void aFileOfTheWrongKindIsNamedWithTheCommandThatFits() throws IOException {
        CliRun r = CliRun.run(new ReplayCommand(), csv.toString(), "-o", dir.resolve("o").toString());
        assertThat(r.err).isEqualTo("replay: error: " + csv + ": is CSV text, not a Parquet trace: convert it with 'iosup ingest "
                + csv + " -o " + dir.resolve("t.parquet") + "'\n");
        r = CliRun.run(new InspectCommand(), dir.toString());
        assertThat(r.err).isEqualTo("inspect: error: " + dir + ": is a folder, not a file; a Parquet trace is expected\n");
        Path gz = dir.resolve("perf.script.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("perf 1/1 [000] 1.000000000: sched:sched_process_exit: comm=x pid=1 prio=120\n".getBytes());
        }
        r = CliRun.run(new InspectCommand(), gz.toString());
        assertThat(r.err).isEqualTo("inspect: error: " + gz + ": is the gzip-compressed text of 'perf script', not a Parquet"
                + " trace: convert it with 'iosup import perf " + gz + " -o " + dir.resolve("perf.parquet") + "'\n");
        r = CliRun.run(new IngestCommand(), trace.toString(), "-o", dir.resolve("u.parquet").toString());
        assertThat(r.err).isEqualTo("ingest: error: " + trace + ": is already a Parquet trace (ingest reads text):"
                + " give it to inspect, replay or analyze as it is\n");
        Path bin = dir.resolve("random.bin");
        Files.write(bin, new byte[] {1, 2, 3, 0, 0, 9, 8, 7});
        r = CliRun.run(new ExportCommand(), bin.toString(), "-o", "-");
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).isEqualTo("export: error: " + bin + ": is neither text nor a Parquet file"
                + " (a Parquet file starts with the bytes PAR1)\n");
    }
}
