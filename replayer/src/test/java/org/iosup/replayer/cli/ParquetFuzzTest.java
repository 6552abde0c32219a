package org.iosup.replayer.cli;

import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.iosup.analysis.TraceAnalysis;
import org.iosup.cli.AnalyzeCommand;
import org.iosup.cli.ExportCommand;
import org.iosup.cli.InspectCommand;
import org.iosup.io.UserException;
import org.iosup.model.guest.AddressSpaces;
import org.iosup.model.guest.Paging;
import org.iosup.replayer.testing.RandomWorkload;
import org.iosup.testing.CliRun;
import org.iosup.testing.RandomRows;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;
import org.iosup.trace.TraceStats;
import org.iosup.trace.parquet.ParquetTraceReader;
import org.iosup.trace.parquet.ParquetTraceWriter;
import org.iosup.trace.parquet.TraceReadOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bit rot kept in the build: seeded and reproducible. Small traces written by iosup (ZSTD and
 * uncompressed, several row groups) are damaged in every single bit (or a seeded sample of the
 * bits, for the larger one) and cut at every length, then read by the readers of inspect, export,
 * replay and analyze (the columns each reads), and a seeded sample also by the commands
 * themselves. The property: a read gives exactly the original values (the checksums make that the
 * only way to succeed), or fails with a user error of one line naming the file; a command exits 0
 * with the original output or 2 with one line on standard error and no output left behind; never
 * a crash (exit 1). {@code -Dfuzz.minutes=N} runs random damage (several bits, bytes, runs) for N
 * minutes more; {@code -Dfuzz.seed=S} changes the seed.
 */
class ParquetFuzzTest {
    private static final long SEED = Long.getLong("fuzz.seed", 20261202L);
    /** The columns each command's reader decodes. */
    private static final Map<String, Set<Column>> READERS = readers();

    @TempDir
    Path dir;

    private static Map<String, Set<Column>> readers() {
        Map<String, Set<Column>> m = new LinkedHashMap<>();
        m.put("export", EnumSet.allOf(Column.class));
        m.put("inspect", TraceStats.columns());
        m.put("replay", AddressSpaces.columns());
        m.put("analyze", TraceAnalysis.columns());
        return m;
    }

    /** A trace to damage: its bytes, and what each reader gives from it intact. */
    private record Original(String name, byte[] bytes, Map<String, EventBatch> read) {
    }

    private List<Original> originals() throws IOException {
        List<Original> out = new ArrayList<>();
        // A replayable workload, compressed and not, in row groups of 150 rows.
        Path workload = dir.resolve("workload.parquet");
        RandomWorkload.write(workload, SEED, 90, Paging.PAE, 3 * 60_000_000_000L, false);
        EventBatch rows = readAll(workload, "export", TraceReadOptions.DEFAULT);
        out.add(original("workload-zstd", rows, CompressionCodecName.ZSTD, 150));
        out.add(original("workload-plain", rows, CompressionCodecName.UNCOMPRESSED, 150));
        // Every column, every kind, values across whole ranges.
        EventBatch random = new EventBatch(120);
        RandomRows.fill(random, 120, new Random(SEED), 0);
        out.add(original("random-zstd", random, CompressionCodecName.ZSTD, 80));
        return out;
    }

    private Original original(String name, EventBatch rows, CompressionCodecName codec, int rowGroupRows) throws IOException {
        Path file = dir.resolve(name + ".parquet");
        try (ParquetTraceWriter w = ParquetTraceWriter.create(file, codec, Map.of("iosup.paging", "pae"), rowGroupRows)) {
            w.write(rows);
            w.commit();
        }
        Map<String, EventBatch> read = new LinkedHashMap<>();
        for (var e : READERS.entrySet()) {
            read.put(e.getKey(), readAll(file, e.getKey(), TraceReadOptions.DEFAULT));
        }
        return new Original(name, Files.readAllBytes(file), read);
    }

    /** Every row a command's reader gives (analyze's lets rows out of order through, as analyze does). */
    private static EventBatch readAll(Path file, String reader, TraceReadOptions options) {
        Set<Column> columns = READERS.get(reader);
        try (ParquetTraceReader in = reader.equals("analyze")
                ? ParquetTraceReader.openAllowingDisorder(file, columns, options)
                : ParquetTraceReader.open(file, columns, options)) {
            return org.iosup.testing.Traces.readAll(in, 97);
        }
    }

    /** Failures of the property, described for the test's message (the first few). */
    private final List<String> failures = new ArrayList<>();
    private int reads;
    private int refused;

    /**
     * Reads a damaged file with the given readers (the export reader, which decodes every column,
     * and one or all of the others) and checks the property.
     */
    private void check(Original o, byte[] damaged, String what, List<String> readers) throws IOException {
        Files.write(damagedFile, damaged);
        for (String reader : readers) {
            reads++;
            try {
                EventBatch got = readAll(damagedFile, reader, TraceReadOptions.DEFAULT);
                try {
                    RandomRows.assertSameRows(o.read().get(reader), got);
                } catch (AssertionError diff) {
                    fail(o, what, reader + " read different values with no error: " + diff.getMessage());
                }
            } catch (UserException u) {
                refused++;
                String m = u.getMessage();
                if (!m.equals(UserException.oneLine(m)) || !m.startsWith(damagedFile.toString())) {
                    fail(o, what, reader + ": the error is not one line naming the file: " + m);
                }
            } catch (Throwable t) {
                fail(o, what, reader + " crashed: " + t + " at " + java.util.Arrays.toString(java.util.Arrays.copyOf(t.getStackTrace(), 4)));
            }
        }
    }

    /**
     * Reads a damaged file without verification (nothing is trusted, every column decoded): the
     * values may then be anything, but the read must still succeed or fail with one located line.
     */
    private void checkUnverified(Original o, byte[] damaged, String what) throws IOException {
        Files.write(damagedFile, damaged);
        reads++;
        try {
            readAll(damagedFile, "export", new TraceReadOptions(false));
        } catch (UserException u) {
            refused++;
            String m = u.getMessage();
            if (!m.equals(UserException.oneLine(m)) || !m.startsWith(damagedFile.toString())) {
                fail(o, what, "--no-verify: the error is not one line naming the file: " + m);
            }
        } catch (Throwable t) {
            fail(o, what, "--no-verify crashed: " + t + " at " + java.util.Arrays.toString(java.util.Arrays.copyOf(t.getStackTrace(), 4)));
        }
    }

    private void fail(Original o, String what, String problem) {
        if (failures.size() < 20) {
            failures.add(o.name() + " " + what + ": " + problem);
        }
    }

    /** Where damaged files are written: memory when the machine has it (/dev/shm), else the test's folder. */
    private Path damagedFile;

    @org.junit.jupiter.api.BeforeEach
    void placeDamagedFile() throws IOException {
        Path shm = Path.of("/dev/shm");
        Path folder = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, "iosup-fuzz") : dir;
        damagedFile = folder.resolve("damaged.parquet");
    }

    @org.junit.jupiter.api.AfterEach
    void removeDamagedFile() throws IOException {
        Files.deleteIfExists(damagedFile);
        if (!damagedFile.getParent().equals(dir)) {
            Files.deleteIfExists(damagedFile.getParent());
        }
    }

    /**
     * Every bit of each file's first 4 and last 8 bytes flipped, a seeded third of its footer's bits
     * and a sixteenth of the other bits (pages and their headers: a page's CRC refuses almost all of
     * those at once); every truncation. Each damaged file goes through the
     * export reader and, in turn, one of the others, and most also through the export reader
     * without verification (where any values may come, but no crash); with {@code -Dfuzz.minutes=N}
     * every bit through every reader, then random damage for N minutes.
     */
    @Test
    void singleBitFlipsAndEveryTruncationAreReadRightOrRefused() throws IOException {
        long start = System.nanoTime();
        double minutes = Double.parseDouble(System.getProperty("fuzz.minutes", "0"));
        boolean thorough = minutes > 0;
        Random r = new Random(SEED);
        List<String> others = List.of("inspect", "replay", "analyze");
        List<String> every = List.copyOf(READERS.keySet());
        int turn = 0;
        List<Original> originals = originals();
        for (Original o : originals) {
            byte[] bytes = o.bytes();
            int footerLength = java.nio.ByteBuffer.wrap(bytes, bytes.length - 8, 4)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
            int footerStart = bytes.length - 8 - footerLength;
            for (int bit = 0; bit < bytes.length * 8; bit++) {
                int at = bit >>> 3;
                boolean frame = at < 4 || at >= footerStart;
                boolean ends = at < 4 || at >= bytes.length - 8;
                if (!thorough && !ends && r.nextInt(frame ? 3 : 16) != 0) {
                    continue;
                }
                byte[] d = bytes.clone();
                d[at] ^= (byte) (1 << (bit & 7));
                check(o, d, "bit " + bit, thorough ? every : List.of("export", others.get(turn++ % 3)));
                if (thorough || !frame || r.nextInt(8) == 0) {
                    checkUnverified(o, d, "bit " + bit);
                }
            }
            for (int length = 0; length < bytes.length; length++) {
                check(o, java.util.Arrays.copyOf(bytes, length), "cut at " + length,
                        thorough ? every : List.of("export", others.get(turn++ % 3)));
            }
        }
        if (thorough) {
            long end = start + (long) (minutes * 60e9);
            long round = 0;
            while (System.nanoTime() < end && failures.isEmpty()) {
                Original o = originals.get(r.nextInt(originals.size()));
                byte[] d = o.bytes().clone();
                int damage = 1 + r.nextInt(4);
                StringBuilder what = new StringBuilder("round " + round++ + ":");
                for (int k = 0; k < damage; k++) {
                    int at = r.nextInt(d.length);
                    switch (r.nextInt(3)) {
                        case 0 -> {
                            int bit = r.nextInt(8);
                            d[at] ^= (byte) (1 << bit);
                            what.append(" bit ").append(at * 8L + bit);
                        }
                        case 1 -> {
                            d[at] = (byte) r.nextInt(256);
                            what.append(" byte ").append(at);
                        }
                        default -> {
                            int n = Math.min(d.length - at, 1 + r.nextInt(16));
                            for (int j = 0; j < n; j++) {
                                d[at + j] = (byte) r.nextInt(256);
                            }
                            what.append(" run ").append(at).append('+').append(n);
                        }
                    }
                }
                check(o, d, what.toString(), every);
                checkUnverified(o, d, what.toString());
            }
        }
        System.out.printf("ParquetFuzzTest: %,d reads of %s, %,d refused, %.1f s%n", reads,
                originals.stream().map(o -> o.name() + " (" + o.bytes().length + " bytes)").toList(), refused,
                (System.nanoTime() - start) / 1e9);
        assertThat(failures).as("seed " + SEED).isEmpty();
    }

    /** The commands themselves on a seeded sample of damaged files: exit 0 with the same output, or 2 and nothing left. */
    @Test
    void commandsExitZeroWithTheSameOutputOrTwoWithOneLineAndNoOutput() throws IOException {
        Original o = originals().get(0);
        Path good = dir.resolve("good.parquet");
        Files.write(good, o.bytes());
        Map<String, String> expected = outputs(good, dir.resolve("expected"));
        Random r = new Random(SEED + 1);
        for (int k = 0; k < 60; k++) {
            byte[] d = o.bytes().clone();
            int bit = r.nextInt(d.length * 8);
            d[bit >>> 3] ^= (byte) (1 << (bit & 7));
            Path file = damagedFile;
            Files.write(file, d);
            Path out = dir.resolve("out-" + k);
            for (String command : List.of("export", "inspect", "replay", "analyze")) {
                CliRun run = runCommand(command, file, out);
                assertThat(run.exitCode).as("bit %d, %s: %s", bit, command, run).isIn(0, 2);
                if (run.exitCode == 2) {
                    assertThat(run.err.strip().lines()).as("bit %d, %s", bit, command).hasSize(1);
                    assertThat(run.err).as("bit %d, %s", bit, command).contains(file.toString());
                    assertThat(Files.exists(out)).as("bit %d, %s left output: %s %s", bit, command, run,
                            Files.isDirectory(out) ? Files.list(out).toList() : "").isFalse();
                } else {
                    assertThat(output(command, run, out)).as("bit %d, %s", bit, command)
                            .isEqualTo(expected.get(command).replace(good.toString(), file.toString()));
                    deleteTree(out);
                }
            }
        }
    }

    private Map<String, String> outputs(Path trace, Path out) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String command : List.of("export", "inspect", "replay", "analyze")) {
            CliRun run = runCommand(command, trace, out);
            assertThat(run.exitCode).as(run.toString()).isZero();
            m.put(command, output(command, run, out));
            deleteTree(out);
        }
        return m;
    }

    private static CliRun runCommand(String command, Path trace, Path out) {
        return switch (command) {
            case "export" -> CliRun.run(new ExportCommand(), trace.toString(), "-o", out.toString(), "-q");
            case "inspect" -> CliRun.run(new InspectCommand(), trace.toString(), "--json");
            case "replay" -> CliRun.run(new ReplayCommand(), trace.toString(), "-o", out.toString(), "-q",
                    "--threads", "1", "--policy", "disabled", "--policy", "pre-enabled");
            case "analyze" -> CliRun.run(new AnalyzeCommand(), trace.toString(), "-o", out.toString(), "-q");
            default -> throw new IllegalArgumentException(command);
        };
    }

    /** What a command gave: standard output and the files it wrote (but the manifest, which holds times). */
    private static String output(String command, CliRun run, Path out) throws IOException {
        StringBuilder s = new StringBuilder(run.out);
        if (Files.isRegularFile(out)) {
            s.append(Files.readString(out));
        } else if (Files.isDirectory(out)) {
            try (Stream<Path> files = Files.list(out)) {
                for (Path f : files.sorted().toList()) {
                    if (f.getFileName().toString().endsWith(".csv")) {
                        s.append(f.getFileName()).append('\n').append(Files.readString(f));
                    }
                }
            }
        }
        return s.toString();
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> files = Files.walk(p)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
