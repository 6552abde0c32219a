package org.iosup.trace.csv;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.iosup.io.UserException;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parallel CSV reader (the text cut into chunks by {@link CsvChunker}, parsed on worker
 * threads) agrees with one sequential parse of the whole text by Commons CSV on every input: the
 * same rows and metadata, or the same first error. Inputs mix valid rows with quoted fields
 * (doubled quotes, commas, line breaks inside), quotes inside unquoted fields, comment lines with
 * quotes, blank lines, CR, LF and CRLF line ends, a byte-order mark, bytes that are not UTF-8,
 * numbers with signs, spaces and other scripts' digits, unclosed quotes and rows out of order;
 * chunks of 1 to 5 records and buffers of a few characters put the cuts everywhere.
 */
class CsvParallelAgreementTest {

    // No jqwik edge cases: the texts generator draws its own (empty input, lone quotes, every line
    // end), and jqwik's edge cases of three parameters outnumber the tries (it logs a notice).
    @Property(tries = 400, seed = "20261202", edgeCases = net.jqwik.api.EdgeCasesMode.NONE)
    void theParallelReaderAgreesWithOneSequentialParse(@ForAll("texts") byte[] text,
                                                        @ForAll @IntRange(min = 1, max = 5) int unitsPerChunk,
                                                        @ForAll @IntRange(min = 2, max = 40) int bufferChars) {
        Path file = write(text);
        try {
            String sequential = outcome(() -> CsvTraceReader.openSequential(file.toString()));
            String parallel = outcome(() -> CsvTraceReader.open(file.toString(), unitsPerChunk, bufferChars));
            String standard = outcome(() -> CsvTraceReader.open(file.toString()));
            assertThat(parallel).as("chunks of %d records, buffer of %d characters, text:%n%s", unitsPerChunk,
                    bufferChars, new String(text, StandardCharsets.UTF_8)).isEqualTo(sequential);
            assertThat(standard).isEqualTo(sequential);
        } finally {
            delete(file);
        }
    }

    /** The rows (schema columns present, as CSV text) and metadata a reader gives, or else its first error. */
    static String outcome(java.util.function.Supplier<CsvTraceReader> open) {
        StringBuilder s = new StringBuilder();
        try (CsvTraceReader r = open.get()) {
            s.append("metadata ").append(r.metadata()).append('\n');
            EventBatch b = new EventBatch();
            while (r.next(b)) {
                for (int i = 0; i < b.size(); i++) {
                    for (Column c : Column.values()) {
                        if (b.has(i, c)) {
                            s.append(c.columnName()).append('=').append(CsvTraceWriter.format(b, i, c)).append(' ');
                        }
                    }
                    s.append('\n');
                }
            }
            s.append("rows ").append(r.rowsRead());
        } catch (UserException e) {
            // Rows delivered before the error depend on how they were batched: the error is the outcome.
            return "error " + e.getMessage();
        }
        return s.toString();
    }

    @Provide
    Arbitrary<byte[]> texts() {
        return Combinators.combine(Arbitraries.integers().between(0, 99).list().ofMaxSize(40),
                Arbitraries.longs()).as(CsvParallelAgreementTest::render);
    }

    private static final String[] EOL = {"\n", "\r", "\r\n"};
    /** Lines before the header: metadata of distinct keys, comments with quotes, blank lines. */
    private static final String[] PRE_HEADER = {"# iosup.paging=pae", "# iosup.source=a \"quoted\" note, with a comma",
        "# a note with \"one quote", "", "  ", "#", "# lab.kernel = 6.18 ", "#\"", "# x=\"y", "# \"quoted\" text, a,b"};
    /** Lines before the header that are errors: a paging mode replay would refuse, a key given again. */
    private static final String[] BAD_PRE_HEADER = {"# iosup.paging=bogus", "# iosup.paging=x86-64", "# iosup.pagign=pae"};
    private static final String[] HEADERS = {"ts_ns,kind,pid,comm", "\"ts_ns\",kind,pid,\"comm\"", "ts_ns,kind,pid,comm "};
    private static final String[] COMMS = {"", "sh", "\"a,b\"", "\"say \"\"hi\"\"\"", "ab\"c", "\"x\"  ", "é€",
        "\"\"", "a\"\"b", "# not a comment", "\"#x\""};
    private static final String[] KINDS = {"PROC_CREATE", "PROC_EXEC", "PROC_EXIT"};
    private static final String[] BAD_NUMBERS = {"+5", " 5", "5 ", "\u0665", "-1", "99999999999999999999", "0x10", "5.0"};

    /**
     * CSV text from a list of choices (what each record is) and a seed (its details); half the texts hold only
     * valid records, the others may hold errors.
     */
    static byte[] render(List<Integer> choices, long seed) {
        Random rnd = new Random(seed);
        boolean errors = rnd.nextBoolean();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (rnd.nextInt(8) == 0) {
            out.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        }
        List<String> pre = new java.util.ArrayList<>(List.of(PRE_HEADER));
        java.util.Collections.shuffle(pre, rnd);
        for (int k = rnd.nextInt(4); k > 0; k--) {
            put(out, pre.get(k) + eol(rnd));
        }
        if (errors && rnd.nextInt(4) == 0) {
            put(out, BAD_PRE_HEADER[rnd.nextInt(BAD_PRE_HEADER.length)] + eol(rnd));
        }
        put(out, (errors && rnd.nextInt(10) == 0 ? "ts_ns,kind,\"pid" : HEADERS[rnd.nextInt(HEADERS.length)]) + eol(rnd));
        long ts = 0;
        for (int i = 0; i < choices.size(); i++) {
            int c = choices.get(i);
            if (!errors) {
                c = c % 80;
            }
            ts += rnd.nextInt(3);
            String end = i == choices.size() - 1 && rnd.nextBoolean() ? "" : eol(rnd);
            String comm = COMMS[rnd.nextInt(COMMS.length)];
            String kind = KINDS[rnd.nextInt(KINDS.length)];
            if (c < 50) {
                put(out, ts + "," + kind + "," + rnd.nextInt(1000) + "," + comm + end);
            } else if (c < 55) {
                // A quoted field over two lines.
                put(out, ts + "," + kind + ",7,\"two" + eol(rnd) + "lines\"" + end);
            } else if (c < 60) {
                put(out, (rnd.nextBoolean() ? "# a comment with a \"quote" : "#") + end);
            } else if (c < 65) {
                put(out, end);
            } else if (c < 70) {
                put(out, ts + ",PROC_EXIT,\"" + rnd.nextInt(9) + "\"," + comm + end);
            } else if (c < 73) {
                put(out, ts + ",PROC_EXIT,2,\"a \"\"quoted\"\"" + eol(rnd) + "#comm,\"" + end);
            } else if (c < 76) {
                put(out, ts + ",PROC_EXIT,1,\"x\"" + eol(rnd).charAt(0) + "#,,\"" + end);
            } else if (c < 80) {
                put(out, ts + ",PROC_EXIT,1,\"x\"" + end);
            } else if (c < 82) {
                put(out, ts + ",PROC_EXIT,1,\"ab\"c" + end);
            } else if (c < 84) {
                put(out, ts + ",PROC_EXIT," + BAD_NUMBERS[rnd.nextInt(BAD_NUMBERS.length)] + ",x" + end);
            } else if (c < 86) {
                put(out, Math.max(0, ts - 5) + ",PROC_EXIT,1," + end);
            } else if (c < 88) {
                put(out, ts + ",PROC_EXIT" + end);
            } else if (c < 90) {
                put(out, ts + ",PROC_EXIT,1,a");
                out.writeBytes(rnd.nextBoolean() ? new byte[] {(byte) 0xFF} : new byte[] {(byte) 0xC3, '('});
                put(out, "b" + end);
            } else if (c < 92) {
                put(out, ts + ",PROC_EXIT,1,\"never closed" + end);
            } else if (c < 94) {
                put(out, "   " + end);
            } else if (c < 96) {
                put(out, ts + ",PT_ALLOC,,," + end);
            } else if (c < 98) {
                put(out, ts + ",PROC_EXIT,2,\"" + "x".repeat(70) + "\"" + end);
            } else {
                put(out, ts + "," + kind + ",3," + comm + "," + end);
            }
        }
        return out.toByteArray();
    }

    private static String eol(Random rnd) {
        return EOL[rnd.nextInt(EOL.length)];
    }

    private static void put(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    private static Path write(byte[] text) {
        try {
            Path p = Files.createTempFile("iosup-agreement", ".csv");
            Files.write(p, text);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
