package org.iosup.trace.csv;

import org.iosup.io.UserException;

import java.io.IOException;
import java.io.Reader;
import java.util.Arrays;
import java.util.Locale;

/**
 * Cuts CSV text into chunks that end where Apache Commons CSV ends a record, so that chunks can
 * be parsed in parallel with the same result as one parse of the whole text. It follows the
 * lexer of {@code CSVFormat.DEFAULT} with {@code #} comments and empty lines ignored:
 *
 * <ul>
 *   <li>a line ends at CR, LF or CRLF (a CRLF is never split between chunks);</li>
 *   <li>a double quote opens a quoted field only as a field's first character; elsewhere it is an
 *   ordinary character. In a quoted field a doubled quote is a quote and a line break is text;</li>
 *   <li>a {@code #} as a record's first character starts a comment, which ends with its line
 *   (whatever quotes it holds); an empty line is skipped.</li>
 * </ul>
 *
 * A unit is a record, a comment line or an empty line; a chunk holds at most the number of units
 * asked for, so it parses into at most that many rows. Chunks carry their first physical line and
 * their count of line breaks, so that lines are numbered as one parse of the file would number
 * them. A record longer than {@link #MAX_RECORD_CHARS}, a byte that is not UTF-8 and a read error
 * come out as chunks that carry the error, in their place in the file.
 */
final class CsvChunker {
    /** The longest record (in characters) read; a longer one is refused rather than held in memory. */
    static final int MAX_RECORD_CHARS = 1 << 24;
    /** The buffer's first size in characters; it grows for a record longer than that. */
    static final int BUFFER_CHARS = 1 << 20;

    /**
     * A piece of the text: characters [0, length) of {@code text}, starting at the start of physical line
     * {@code firstLine}, holding {@code lines} line breaks and {@code units} units. {@code badLine} is the line of
     * the first byte in it that is not UTF-8 (or -1); {@code error}, when not null, is an error in the file's text
     * at this place (the chunk then holds no text).
     */
    record Chunk(char[] text, int length, long firstLine, long lines, int units, long badLine, UserException error) {
    }

    // Lexer states at a position of the text.
    /** At a record's first character (the start of a line). */
    private static final int LINE = 0;
    /** At a field's first character, after a comma. */
    private static final int FIELD = 1;
    /** In a field not quoted. */
    private static final int PLAIN = 2;
    /** In a quoted field. */
    private static final int QUOTED = 3;
    /** Just after a quote in a quoted field: a doubled quote or the field's end. */
    private static final int QUOTE = 4;
    /** After a quoted field's closing quote, before its comma or line break. */
    private static final int AFTER = 5;
    /** In a comment line. */
    private static final int COMMENT = 6;

    private final Reader in;
    private final Utf8Text text;
    private final String name;
    private char[] buf;
    private int filled;
    private boolean eof;
    private IOException readError;
    private boolean failed;
    /** The physical line at buf[0], and the offset in the text's characters of buf[0]. */
    private long nextLine = 1;
    private long bufStart;
    // What the last scan found, for a record that does not end within the buffer.
    private long quoteLine;

    /**
     * @param text the UTF-8 text (its first byte that is not UTF-8 is reported with the chunk that holds it)
     * @param name the input's name, for errors
     * @param bufferChars the buffer's first size ({@link #BUFFER_CHARS}; tests use small ones)
     */
    CsvChunker(Utf8Text text, String name, int bufferChars) {
        this.buf = new char[bufferChars];
        this.in = text;
        this.text = text;
        this.name = name;
    }

    /** The next chunk of at most {@code maxUnits} units, or null at the end of the text. */
    Chunk next(int maxUnits) {
        if (failed) {
            return null;
        }
        while (true) {
            fill();
            int[] found = new int[3];
            scan(maxUnits, found);
            int cut = found[0];
            if (cut > 0) {
                return take(cut, found[1], found[2]);
            }
            if (filled == 0 && (eof || readError != null)) {
                if (readError != null) {
                    return fail(new UserException(name + " line " + nextLine + ": cannot read the text ("
                            + readError.getMessage() + ")", readError));
                }
                return null;
            }
            if (eof || readError != null) {
                // The last record, without a line break after it; or the text cut short by a read error.
                if (readError == null) {
                    return take(filled, found[1], found[2] + 1);
                }
                return fail(new UserException(name + " line " + (nextLine + found[1]) + ": cannot read the text ("
                        + readError.getMessage() + ")", readError));
            }
            if (filled >= MAX_RECORD_CHARS) {
                return fail(new UserException(name + " line " + nextLine + ": a record longer than "
                        + String.format(Locale.ROOT, "%,d", MAX_RECORD_CHARS) + " characters"
                        + (quoteLine > 0 ? " (the quoted field opened at line " + quoteLine + " is not closed)" : "")));
            }
            // One record longer than the buffer: grow it and read on.
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
    }

    /**
     * Follows the lexer from buf[0] (a line's start) and finds where the {@code maxUnits}-th unit ends, or the last
     * unit's end in the buffer: {@code found} gets that cut (0 if no unit ends), the line breaks before it and the
     * units before it. A CR at the buffer's end waits for the next character (an LF would belong to it).
     */
    @SuppressWarnings("fallthrough") // LINE falls into FIELD on purpose: a record's first character is its first field's
    private void scan(int maxUnits, int[] found) {
        char[] b = buf;
        int n = filled;
        int state = LINE;
        int cut = 0;
        int lines = 0;
        int linesAtCut = 0;
        int units = 0;
        long qLine = -1;
        for (int i = 0; i < n; i++) {
            char c = b[i];
            if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < n && b[i + 1] == '\n') {
                    i++;
                } else if (c == '\r' && i + 1 == n && !eof) {
                    break;
                }
                lines++;
                if (state == QUOTED) {
                    continue;
                }
                state = LINE;
                cut = i + 1;
                linesAtCut = lines;
                if (++units == maxUnits) {
                    break;
                }
                continue;
            }
            switch (state) {
                case PLAIN:
                    if (c == ',') {
                        state = FIELD;
                    }
                    break;
                case LINE:
                    if (c == '#') {
                        state = COMMENT;
                        break;
                    }
                    // A record's first character is its first field's.
                    // fall through
                case FIELD:
                    if (c == '"') {
                        state = QUOTED;
                        qLine = nextLine + lines;
                    } else if (c == ',') {
                        state = FIELD;
                    } else {
                        state = PLAIN;
                    }
                    break;
                case QUOTED:
                    if (c == '"') {
                        state = QUOTE;
                    }
                    break;
                case QUOTE:
                    if (c == '"') {
                        state = QUOTED;
                    } else if (c == ',') {
                        state = FIELD;
                    } else {
                        // Spaces until the comma; anything else is an error the parser reports.
                        state = AFTER;
                    }
                    break;
                case AFTER:
                    if (c == ',') {
                        state = FIELD;
                    }
                    break;
                default:
                    // COMMENT: up to the line break.
                    break;
            }
        }
        quoteLine = state == QUOTED ? qLine : -1;
        found[0] = cut;
        found[1] = cut > 0 ? linesAtCut : lines;
        found[2] = units;
    }

    /** Reads until the buffer is full or the text ends (a read error ends it too, and is kept). */
    private void fill() {
        while (!eof && readError == null && filled < buf.length) {
            try {
                int n = in.read(buf, filled, buf.length - filled);
                if (n < 0) {
                    eof = true;
                } else {
                    filled += n;
                }
            } catch (IOException e) {
                readError = e;
            }
        }
    }

    private Chunk take(int length, long lines, int units) {
        char[] chunk = Arrays.copyOf(buf, length);
        System.arraycopy(buf, length, buf, 0, filled - length);
        filled -= length;
        long bad = text.firstBad();
        long badLine = -1;
        if (bad >= bufStart && bad < bufStart + length) {
            badLine = nextLine + lineBreaks(chunk, (int) (bad - bufStart));
        }
        Chunk c = new Chunk(chunk, length, nextLine, lines, units, badLine, null);
        nextLine += lines;
        bufStart += length;
        return c;
    }

    private Chunk fail(UserException e) {
        failed = true;
        return new Chunk(new char[0], 0, nextLine, 0, 0, -1, e);
    }

    /** Line breaks (CR, LF, CRLF) in text[0, to). */
    static long lineBreaks(char[] text, int to) {
        long n = 0;
        for (int i = 0; i < to; i++) {
            char c = text[i];
            if (c == '\r' || (c == '\n' && (i == 0 || text[i - 1] != '\r'))) {
                n++;
            }
        }
        return n;
    }

    /**
     * The rest of the text, from the next character not yet given out in a chunk: what the chunker holds, then
     * the rest of its reader (for one sequential parse after the header).
     */
    Reader rest() {
        return new Reader() {
            private int pos;

            @Override
            public int read(char[] cbuf, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                if (pos < filled) {
                    int n = Math.min(len, filled - pos);
                    System.arraycopy(buf, pos, cbuf, off, n);
                    pos += n;
                    return n;
                }
                if (readError != null) {
                    throw readError;
                }
                return eof ? -1 : in.read(cbuf, off, len);
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }
}
