package org.iosup.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.iosup.cli.ImportCommand;
import org.iosup.cli.IngestCommand;
import org.iosup.io.Inputs;
import org.iosup.schema.FieldSpec;
import org.iosup.testing.CliRun;
import org.iosup.testing.RandomRows;
import org.iosup.testing.TraceCmdText;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventSchema;
import org.iosup.trace.csv.CsvTraceWriter;
import org.iosup.trace.parquet.ParquetTraceReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Seeded fuzzing of the text inputs through the real commands, in-process: mutations of CSV traces
 * (quotes, CR, LF and CRLF line ends, comments, byte-order marks, bytes that are not UTF-8, other
 * encodings, long fields, digits of other scripts, signs and spaces, lines repeated, dropped or
 * swapped, text cut short) for {@code ingest}, and of {@code perf script} and {@code trace-cmd
 * report} text (excerpts of the committed recording, and the test excerpts) for {@code import}.
 * Every case must either exit 0 with the values the reference gives (for CSV: Commons CSV parsing
 * the same text in one pass) and a trace that reads back valid, or exit 2 with exactly one line on
 * standard error naming the input and the line (or, for a whole-file problem, the input), leaving
 * the output folder as it was. Anything else (exit 1, a stack trace, two lines, a file left behind)
 * fails the test with the case's seed, and its input is kept in {@code target/fuzz-failures/}.
 *
 * <p>The default run is a fixed list of cases (seed {@code fuzz.seed}, default 20261202), about 20 s
 * on two cores. {@code -Dfuzz.minutes=N} runs cases for N minutes instead (each target a third);
 * {@code -Dfuzz.case=SEED -Dfuzz.target=csv|perf|trace-cmd} runs one case again. A crash found
 * becomes a named regression test in the command's test class.
 */
class TextFuzzTest {
    private static final long SEED = Long.getLong("fuzz.seed", 20261202L);
    private static final double MINUTES = Double.parseDouble(System.getProperty("fuzz.minutes", "0"));
    private static final String ONE_CASE = System.getProperty("fuzz.case");
    private static final String ONE_TARGET = System.getProperty("fuzz.target");
    private static final int CSV_CASES = 400;
    private static final int PERF_CASES = 500;
    private static final int TRACE_CMD_CASES = 300;
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setCommentMarker('#').setIgnoreEmptyLines(true).get();
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._-]+");

    /** The committed recording's text, and the hand-made excerpts of the tests. */
    private static String perfSample;
    private static List<String> perfExcerpts;
    private static String csvSample;

    @TempDir
    Path dir;

    enum Target {
        CSV("csv", "in.csv"), PERF("perf", "in.txt"), TRACE_CMD("trace-cmd", "in.txt");

        final String name;
        final String file;

        Target(String name, String file) {
            this.name = name;
            this.file = file;
        }
    }

    @BeforeAll
    static void seeds() throws IOException {
        try (InputStream in = Inputs.open("../traces/perf-sample.script.gz")) {
            perfSample = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        perfExcerpts = new ArrayList<>();
        for (String name : List.of("default-layout.txt", "fork-exec-levels.txt")) {
            try (InputStream in = TextFuzzTest.class.getResourceAsStream("/perf/" + name)) {
                perfExcerpts.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        csvSample = Files.readString(Path.of("..", "traces", "sample.csv"));
    }

    @Test
    void csvIngest() throws IOException {
        fuzz(Target.CSV, CSV_CASES);
    }

    @Test
    void perfScriptImport() throws IOException {
        fuzz(Target.PERF, PERF_CASES);
    }

    @Test
    void traceCmdReportImport() throws IOException {
        fuzz(Target.TRACE_CMD, TRACE_CMD_CASES);
    }

    private void fuzz(Target target, int cases) throws IOException {
        if (ONE_CASE != null) {
            if (ONE_TARGET == null || ONE_TARGET.equals(target.name)) {
                runCase(target, Long.parseLong(ONE_CASE));
            }
            return;
        }
        long start = System.nanoTime();
        long deadline = start + (long) (MINUTES * 60e9 / 3);
        int[] exits = new int[3];
        int i = 0;
        for (; MINUTES > 0 ? System.nanoTime() < deadline : i < cases; i++) {
            exits[runCase(target, new Random(SEED * 31 + target.ordinal() * 1_000_003L + i).nextLong())]++;
        }
        System.out.printf(java.util.Locale.ROOT, "fuzz %s: %d cases in %.1f s, %d exit 0, %d exit 2%n", target.name, i,
                (System.nanoTime() - start) / 1e9, exits[0], exits[2]);
    }

    /** Runs one case; returns its exit code (0 or 2: anything else fails). */
    private int runCase(Target target, long seed) throws IOException {
        Random rnd = new Random(seed);
        byte[] text = switch (target) {
            case CSV -> mutateCsv(csvSeed(rnd), rnd);
            case PERF -> mutateText(perfSeed(rnd), rnd);
            case TRACE_CMD -> mutateText(traceCmdSeed(rnd), rnd);
        };
        Path work = Files.createDirectory(dir.resolve(target.name + "-" + Long.toUnsignedString(seed, 36)));
        Path in = work.resolve(target.file);
        Files.write(in, text);
        Path out = work.resolve("out.parquet");
        List<String> before = list(work);
        boolean strict = target != Target.CSV && rnd.nextInt(3) == 0;
        CliRun r = switch (target) {
            case CSV -> CliRun.run(new IngestCommand(), in.toString(), "-o", out.toString(), "-q");
            case PERF, TRACE_CMD -> strict
                    ? CliRun.run(new ImportCommand(), target.name, in.toString(), "-o", out.toString(), "-q", "--strict")
                    : CliRun.run(new ImportCommand(), target.name, in.toString(), "-o", out.toString(), "-q");
        };
        try {
            if (r.exitCode == 0) {
                assertThat(r.err).as("standard error of a quiet run").isEmpty();
                if (target == Target.CSV) {
                    assertEqualsReference(text, out);
                } else {
                    assertValidImport(text, out, work.resolve("out.import.json"));
                }
            } else {
                assertThat(r.exitCode).as("exit code").isEqualTo(2);
                String prefix = (target == Target.CSV ? "ingest" : "import " + target.name) + ": error: " + in;
                assertThat(r.err).as("one line on standard error").endsWith("\n");
                assertThat(r.err.strip().lines()).as("one line on standard error").hasSize(1);
                assertThat(r.err).as("the input named").startsWith(prefix);
                String rest = r.err.substring(prefix.length());
                if (!rest.matches(" line [1-9][0-9]*: .*\n")) {
                    // Only a problem of the whole file names no line.
                    assertThat(rest).as("a located error").matches(": (empty file|empty \\(0 bytes\\)|no perf script sample in"
                            + "|no trace-cmd report event in).*\n");
                }
                assertThat(list(work)).as("the output folder as it was").isEqualTo(before);
            }
        } catch (AssertionError | RuntimeException | IOException e) {
            Path kept = Path.of("target", "fuzz-failures", target.name + "-" + seed + (target == Target.CSV ? ".csv" : ".txt"));
            Files.createDirectories(kept.getParent());
            Files.write(kept, text);
            fail("fuzz case -Dfuzz.target=" + target.name + " -Dfuzz.case=" + seed + (strict ? " (--strict)" : "")
                    + ", input kept in " + kept.toAbsolutePath() + "\n" + r + "\n" + e.getMessage(), e);
        }
        deleteTree(work);
        return r.exitCode;
    }

    // ---- Seeds -------------------------------------------------------------------------------------------------

    /** The committed sample, or random rows of every column written by the CSV writer (now and then 20,000 of them). */
    private static byte[] csvSeed(Random rnd) {
        if (rnd.nextInt(4) == 0) {
            return csvSample.getBytes(StandardCharsets.UTF_8);
        }
        int rows = rnd.nextInt(40) == 0 ? 20_000 : 1 + rnd.nextInt(200);
        EventBatch b = new EventBatch(rows);
        RandomRows.fill(b, rows, rnd, rnd.nextInt(1000));
        StringWriter w = new StringWriter();
        Map<String, String> meta = new LinkedHashMap<>();
        if (rnd.nextBoolean()) {
            meta.put("iosup.paging", rnd.nextBoolean() ? "pae" : "x86-64");
            meta.put("iosup.source", "fuzz \"seed\", a,b");
        }
        try (CsvTraceWriter out = new CsvTraceWriter(w, meta)) {
            out.write(b);
        }
        return w.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A window of the committed recording, starting at a sample, or one of the hand-made excerpts. */
    private static String perfExcerpt(Random rnd) {
        if (rnd.nextInt(5) == 0) {
            return perfExcerpts.get(rnd.nextInt(perfExcerpts.size()));
        }
        int from = rnd.nextInt(perfSample.length());
        // The next line that starts a sample (not a call-chain line, not blank).
        while (from < perfSample.length()) {
            int nl = perfSample.indexOf('\n', from);
            if (nl < 0 || nl + 1 >= perfSample.length()) {
                from = 0;
                break;
            }
            from = nl + 1;
            char c = perfSample.charAt(from);
            if (c != '\t' && c != '\n') {
                break;
            }
        }
        int lines = 50 + rnd.nextInt(rnd.nextInt(10) == 0 ? 20_000 : 1_500);
        int to = from;
        for (int k = 0; k < lines && to >= 0; k++) {
            to = perfSample.indexOf('\n', to + 1);
        }
        return perfSample.substring(from, to < 0 ? perfSample.length() : to + 1);
    }

    private static byte[] perfSeed(Random rnd) {
        return perfExcerpt(rnd).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] traceCmdSeed(Random rnd) {
        return TraceCmdText.fromPerf(new BufferedReader(new StringReader(perfExcerpt(rnd)))).getBytes(StandardCharsets.UTF_8);
    }

    // ---- Mutations ---------------------------------------------------------------------------------------------

    private static final String[] EOL = {"\n", "\r", "\r\n"};
    private static final byte[][] NOT_UTF8 = {{(byte) 0xFF}, {(byte) 0xC3, '('}, {(byte) 0xE2, (byte) 0x82},
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xE9}};
    private static final String[] ODD_NUMBERS = {"\u0665", "\u096b", "\uff15", "+5", " 5", "5 ", "-1", "99999999999999999999",
        "4294967396", "0x1f", "1e3", "5.0", "", "-", "--1"};

    private static byte[] mutateCsv(byte[] text, Random rnd) {
        byte[] t = text;
        if (rnd.nextInt(3) == 0) {
            // Only changes that keep the text valid: the values must come through as they were.
            for (int m = 1 + rnd.nextInt(4); m > 0; m--) {
                t = switch (rnd.nextInt(5)) {
                    case 0 -> lineEnds(t, rnd);
                    case 1 -> insert(t, lineStart(t, rnd), "#\"" + EOL[rnd.nextInt(3)]);
                    case 2 -> insert(t, lineStart(t, rnd), EOL[rnd.nextInt(3)]);
                    case 3 -> t.length >= 3 && t[0] == (byte) 0xEF ? t : insert(t, 0, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
                    default -> quoteField(t, rnd);
                };
            }
            return t;
        }
        for (int m = 1 + rnd.nextInt(3); m > 0; m--) {
            t = switch (rnd.nextInt(17)) {
                case 0 -> insert(t, rnd.nextInt(t.length + 1), "\"");
                case 1 -> lineEnds(t, rnd);
                case 2 -> insert(t, lineStart(t, rnd), "# a comment \"with a quote, and, commas" + EOL[rnd.nextInt(3)]);
                case 3 -> insert(t, rnd.nextInt(4) == 0 ? rnd.nextInt(t.length + 1) : 0, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
                case 4 -> insert(t, rnd.nextInt(t.length + 1), NOT_UTF8[rnd.nextInt(NOT_UTF8.length)]);
                case 5 -> replaceDigit(t, rnd, ODD_NUMBERS[rnd.nextInt(ODD_NUMBERS.length)]);
                case 6 -> insert(t, rnd.nextInt(t.length + 1), (rnd.nextBoolean() ? "7" : "x").repeat(rnd.nextInt(200_000)));
                case 7 -> lines(t, rnd);
                case 8 -> Arrays.copyOf(t, rnd.nextInt(t.length + 1));
                case 9 -> delete(t, rnd.nextInt(Math.max(1, t.length)));
                case 10 -> insert(t, rnd.nextInt(t.length + 1), rnd.nextBoolean() ? "," : "\0");
                case 11 -> reencode(t, rnd);
                case 12 -> insert(t, lineStart(t, rnd), rnd.nextBoolean() ? EOL[rnd.nextInt(3)] : "  \t" + EOL[rnd.nextInt(3)]);
                case 13 -> insert(t, 0, (rnd.nextBoolean() ? "# iosup.paging=x86-64" : rnd.nextBoolean() ? "# iosup.paging=bogus"
                        : "# iosup.pagign=pae") + EOL[rnd.nextInt(3)]);
                case 14 -> insert(t, rnd.nextInt(t.length + 1), "\"\"");
                case 15 -> insert(t, lineStart(t, rnd), "\"" + "a,b\nc".repeat(1 + rnd.nextInt(3)) + "\",");
                default -> insert(t, rnd.nextInt(t.length + 1), " ");
            };
        }
        return t;
    }

    private static byte[] mutateText(byte[] text, Random rnd) {
        byte[] t = text;
        for (int m = 1 + rnd.nextInt(3); m > 0; m--) {
            t = switch (rnd.nextInt(15)) {
                case 0 -> replaceDigit(t, rnd, "9".repeat(10 + rnd.nextInt(15)));
                case 1 -> lineEnds(t, rnd);
                case 2 -> insert(t, rnd.nextBoolean() ? 0 : lineStart(t, rnd), "# ========\n# captured on    : today\n"
                        + "# cmdline : /usr/bin/perf record -a -g\n#\n");
                case 3 -> insert(t, rnd.nextInt(t.length + 1), NOT_UTF8[rnd.nextInt(NOT_UTF8.length)]);
                case 4 -> lines(t, rnd);
                case 5 -> Arrays.copyOf(t, rnd.nextInt(t.length + 1));
                case 6 -> delete(t, rnd.nextInt(Math.max(1, t.length)));
                case 7 -> insert(t, lineStart(t, rnd), "garbage line [000] 1.5: x\n");
                case 8 -> earlier(t, rnd);
                case 9 -> replaceDigit(t, rnd, Integer.toString(rnd.nextInt(100_000)));
                case 10 -> insert(t, lineStart(t, rnd), "CPU:1 [LOST 12 EVENTS]\n");
                case 11 -> rnd.nextInt(4) == 0 ? new byte[0] : "\n \n\t\n".getBytes(StandardCharsets.US_ASCII);
                case 12 -> replace(t, rnd, '\t', ' ');
                case 13 -> replace(t, rnd, ' ', '\t');
                default -> insert(t, rnd.nextInt(t.length + 1), (rnd.nextBoolean() ? "0" : "x").repeat(rnd.nextInt(100_000)));
            };
        }
        return t;
    }

    /** A field not quoted (between commas on one line, without quotes) put in quotes. */
    private static byte[] quoteField(byte[] t, Random rnd) {
        for (int tries = 0; tries < 20 && t.length > 0; tries++) {
            int at = rnd.nextInt(t.length);
            if (t[at] != ',') {
                continue;
            }
            int end = at + 1;
            while (end < t.length && t[end] != ',' && t[end] != '\n' && t[end] != '\r' && t[end] != '"') {
                end++;
            }
            if (end < t.length && t[end] == '"') {
                continue;
            }
            return insert(insert(t, end, "\""), at + 1, "\"");
        }
        return t;
    }

    private static byte[] insert(byte[] t, int at, String s) {
        return insert(t, at, s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] insert(byte[] t, int at, byte[] s) {
        byte[] r = new byte[t.length + s.length];
        System.arraycopy(t, 0, r, 0, at);
        System.arraycopy(s, 0, r, at, s.length);
        System.arraycopy(t, at, r, at + s.length, t.length - at);
        return r;
    }

    private static byte[] delete(byte[] t, int at) {
        if (t.length == 0) {
            return t;
        }
        byte[] r = new byte[t.length - 1];
        System.arraycopy(t, 0, r, 0, at);
        System.arraycopy(t, at + 1, r, at, t.length - at - 1);
        return r;
    }

    /** The start of a random line (0 or just after a line feed). */
    private static int lineStart(byte[] t, Random rnd) {
        int at = rnd.nextInt(t.length + 1);
        while (at > 0 && t[at - 1] != '\n') {
            at--;
        }
        return at;
    }

    /** Every LF as CR or CRLF, or each line's end chosen at random. */
    private static byte[] lineEnds(byte[] t, Random rnd) {
        int mode = rnd.nextInt(3);
        ByteArrayOutputStream out = new ByteArrayOutputStream(t.length + t.length / 20);
        for (byte b : t) {
            if (b == '\n') {
                String eol = mode == 0 ? "\r" : mode == 1 ? "\r\n" : EOL[rnd.nextInt(3)];
                out.writeBytes(eol.getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    /** A line repeated, dropped or swapped with the next. */
    private static byte[] lines(byte[] t, Random rnd) {
        List<byte[]> ls = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < t.length; i++) {
            if (t[i] == '\n') {
                ls.add(Arrays.copyOfRange(t, from, i + 1));
                from = i + 1;
            }
        }
        if (from < t.length) {
            ls.add(Arrays.copyOfRange(t, from, t.length));
        }
        if (ls.size() < 2) {
            return t;
        }
        int k = rnd.nextInt(ls.size() - 1);
        switch (rnd.nextInt(3)) {
            case 0 -> ls.add(k, ls.get(k));
            case 1 -> ls.remove(k);
            default -> {
                byte[] a = ls.get(k);
                ls.set(k, ls.get(k + 1));
                ls.set(k + 1, a);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(t.length + 100);
        ls.forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** A run of ASCII digits (at a random place) replaced by {@code s}. */
    private static byte[] replaceDigit(byte[] t, Random rnd, String s) {
        for (int tries = 0; tries < 20 && t.length > 0; tries++) {
            int at = rnd.nextInt(t.length);
            if (t[at] >= '0' && t[at] <= '9') {
                int end = at;
                while (end < t.length && t[end] >= '0' && t[end] <= '9') {
                    end++;
                }
                byte[] r = delete(t, at);
                for (int k = at + 1; k < end; k++) {
                    r = delete(r, at);
                }
                return insert(r, at, s);
            }
        }
        return t;
    }

    private static byte[] replace(byte[] t, Random rnd, char from, char to) {
        byte[] r = t.clone();
        for (int tries = 0; tries < 50 && r.length > 0; tries++) {
            int at = rnd.nextInt(r.length);
            if (r[at] == from) {
                r[at] = (byte) to;
                return r;
            }
        }
        return r;
    }

    /** A sample's seconds made smaller by 2 to 100: a sample out of order beyond the reorder window. */
    private static byte[] earlier(byte[] t, Random rnd) {
        String s = new String(t, StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher m = Pattern.compile("\\] +([0-9]{3,12})\\.").matcher(s);
        List<int[]> at = new ArrayList<>();
        while (m.find()) {
            at.add(new int[] {m.start(1), m.end(1)});
        }
        if (at.isEmpty()) {
            return t;
        }
        int[] p = at.get(rnd.nextInt(at.size()));
        long secs = Long.parseLong(s.substring(p[0], p[1]));
        String earlier = Long.toString(Math.max(0, secs - 2 - rnd.nextInt(99)));
        return (s.substring(0, p[0]) + earlier + s.substring(p[1])).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The text in another encoding: Latin-1 (its é is one byte, not UTF-8), UTF-16 (NUL bytes), or UTF-16 with a mark. */
    private static byte[] reencode(byte[] t, Random rnd) {
        String s = new String(t, StandardCharsets.UTF_8);
        return switch (rnd.nextInt(3)) {
            case 0 -> s.getBytes(StandardCharsets.ISO_8859_1);
            case 1 -> s.getBytes(StandardCharsets.UTF_16LE);
            default -> s.getBytes(StandardCharsets.UTF_16);
        };
    }

    // ---- Checks ------------------------------------------------------------------------------------------------

    /**
     * The reference: Commons CSV parsing the whole text in one pass (after a byte-order mark), records before the
     * header that are one blank field skipped, the comments before the header giving the metadata. The trace
     * written must hold exactly its rows and values.
     */
    private static void assertEqualsReference(byte[] bytes, Path out) throws IOException {
        int start = bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF ? 3 : 0;
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, start, bytes.length - start)).toString();
        } catch (CharacterCodingException e) {
            throw new AssertionError("ingest took text that is not UTF-8", e);
        }
        List<CSVRecord> records;
        try (CSVParser p = CSVParser.builder().setReader(new StringReader(text)).setFormat(FORMAT).get()) {
            records = p.getRecords();
        } catch (IOException | UncheckedIOException e) {
            throw new AssertionError("ingest took text Commons CSV cannot parse", e);
        }
        int h = 0;
        Map<String, String> meta = new LinkedHashMap<>();
        while (true) {
            assertThat(h).as("a header").isLessThan(records.size());
            CSVRecord r = records.get(h);
            if (r.getComment() != null) {
                for (String c : r.getComment().split("\n")) {
                    int eq = c.indexOf('=');
                    if (eq > 0 && KEY.matcher(c.substring(0, eq).strip()).matches()) {
                        meta.put(c.substring(0, eq).strip(), c.substring(eq + 1).strip());
                    }
                }
            }
            if (!(r.size() == 1 && r.get(0).isBlank())) {
                break;
            }
            h++;
        }
        List<String> header = records.get(h).toList().stream().map(String::strip).toList();
        List<CSVRecord> rows = records.subList(h + 1, records.size());
        EventBatch got = new EventBatch(Math.max(1, rows.size()));
        Map<String, String> gotMeta = new LinkedHashMap<>();
        try (ParquetTraceReader r = ParquetTraceReader.open(out)) {
            r.metadata().forEach((k, v) -> {
                if (!k.startsWith(EventSchema.META_SCHEMA)) {
                    gotMeta.put(k, v);
                }
            });
            EventBatch b = new EventBatch();
            while (r.next(b)) {
                for (int i = 0; i < b.size(); i++) {
                    got.copyRow(b, i);
                }
            }
        }
        assertThat(gotMeta).as("metadata").isEqualTo(meta);
        assertThat(got.size()).as("rows").isEqualTo(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            CSVRecord rec = rows.get(i);
            assertThat(rec.size()).as("fields of record %d", i).isEqualTo(header.size());
            for (int j = 0; j < header.size(); j++) {
                Column c = Column.byName(header.get(j));
                String v = rec.get(j);
                String where = "row " + (i + 1) + " column " + c.columnName();
                if (v.isEmpty()) {
                    assertThat(got.has(i, c)).as(where + " absent").isFalse();
                    continue;
                }
                assertThat(got.has(i, c)).as(where + " present").isTrue();
                FieldSpec f = EventSchema.get().field(c);
                String value = CsvTraceWriter.format(got, i, c);
                switch (f.type()) {
                    case INT32, INT64 -> {
                        assertThat(v).as(where + " ASCII digits").matches(INTEGER);
                        assertThat(new BigInteger(value)).as(where).isEqualTo(new BigInteger(v));
                    }
                    case BOOLEAN -> assertThat(value).as(where).isEqualTo(
                            Boolean.toString(v.equalsIgnoreCase("true") || v.equals("1")));
                    default -> assertThat(value).as(where).isEqualTo(v);
                }
            }
        }
    }

    /** An import that succeeded: its trace reads back valid, its report agrees with it and with the text. */
    private static void assertValidImport(byte[] text, Path out, Path sidecar) throws IOException {
        long rows = 0;
        try (ParquetTraceReader r = ParquetTraceReader.open(out)) {
            EventBatch b = new EventBatch();
            while (r.next(b)) {
                rows += b.size();
            }
        }
        JsonNode report = new ObjectMapper().readTree(sidecar.toFile());
        assertThat(report.get("events").asLong()).as("events in the report").isEqualTo(rows);
        long lines = 0;
        for (byte b : text) {
            lines += b == '\n' ? 1 : 0;
        }
        if (text.length > 0 && text[text.length - 1] != '\n') {
            lines++;
        }
        assertThat(report.get("lines").asLong()).as("lines").isEqualTo(lines);
        assertThat(report.get("bytes").asLong()).as("bytes").isEqualTo(text.length);
    }

    private static List<String> list(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
