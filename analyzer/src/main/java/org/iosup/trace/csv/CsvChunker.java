package org.iosup.trace.csv;

import java.io.IOException;
import java.io.Reader;
import java.util.Arrays;

/**
 * Cuts CSV text into chunks that end on record boundaries, so that chunks can be parsed in
 * parallel: a line break outside double quotes ends a record (RFC 4180; a doubled quote inside a
 * quoted field toggles the state twice and so changes nothing). A chunk holds at most the
 * number of line breaks asked for, so it parses into at most one batch.
 */
final class CsvChunker {
    /** A piece of the text: characters [0, length) of {@code text}, starting at physical line {@code firstLine}. */
    record Chunk(char[] text, int length, long firstLine, int lines) {
    }

    private final Reader in;
    private char[] buf = new char[1 << 20];
    private int filled;
    private boolean eof;
    private long nextLine;

    CsvChunker(Reader in) {
        this.in = in;
        this.nextLine = 1;
    }

    /** The next chunk of at most {@code maxRecords} lines, or null at the end of the text. */
    Chunk next(int maxRecords) throws IOException {
        while (true) {
            fill();
            int cut = -1;
            int lines = 0;
            boolean quoted = false;
            char[] b = buf;
            for (int i = 0, n = filled; i < n; i++) {
                char c = b[i];
                if (c == '"') {
                    quoted = !quoted;
                } else if (c == '\n' && !quoted) {
                    lines++;
                    cut = i + 1;
                    if (lines == maxRecords) {
                        break;
                    }
                }
            }
            if (cut > 0) {
                return take(cut, lines);
            }
            if (eof) {
                return filled == 0 ? null : take(filled, 1);
            }
            // One record longer than the buffer: grow it and read on.
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
    }

    /** Reads until the buffer is full or the text ends. */
    private void fill() throws IOException {
        while (!eof && filled < buf.length) {
            int n = in.read(buf, filled, buf.length - filled);
            if (n < 0) {
                eof = true;
            } else {
                filled += n;
            }
        }
    }

    private Chunk take(int length, int lines) {
        char[] text = Arrays.copyOf(buf, length);
        System.arraycopy(buf, length, buf, 0, filled - length);
        filled -= length;
        Chunk c = new Chunk(text, length, nextLine, lines);
        nextLine += lines;
        return c;
    }
}
