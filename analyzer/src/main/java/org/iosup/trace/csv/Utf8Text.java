package org.iosup.trace.csv;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The characters of UTF-8 text, for the CSV reader: a byte-order mark at the very start is
 * skipped, and bytes that are not UTF-8 are not silently replaced: each becomes U+FFFD (so the
 * text's structure, its commas, quotes and line breaks, is unchanged) and the first one is
 * remembered, by its character offset (and, when asked, its line), for the reader to report at
 * its place in the file. {@code java.io.InputStreamReader} would replace them without a word.
 */
final class Utf8Text extends Reader {
    private static final int BYTES = 1 << 16;

    private final InputStream in;
    private final boolean countLines;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(BYTES).flip();
    private boolean eof;
    private boolean flushed;
    private boolean started;
    /** Characters returned so far. */
    private long chars;
    /** Line breaks returned so far (when counting), and whether the last character returned was a CR. */
    private long lines;
    private boolean lastCr;
    private long firstBad = -1;
    private long firstBadLine = -1;
    private int firstBadByte;

    /**
     * @param countLines whether to count line breaks (CR, LF or CRLF), so that {@link #firstBadLine()}
     *                   is known; the parallel reader counts lines itself and leaves this off
     */
    Utf8Text(InputStream in, boolean countLines) {
        this.in = in;
        this.countLines = countLines;
    }

    /** The character offset of the first byte that is not UTF-8 (its U+FFFD), or -1 while none was read. */
    long firstBad() {
        return firstBad;
    }

    /** The 1-based line of the first byte that is not UTF-8, or -1 (only when counting lines). */
    long firstBadLine() {
        return firstBadLine;
    }

    /** The value (0..255) of the first byte that is not UTF-8. */
    int firstBadByte() {
        return firstBadByte;
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!started) {
            started = true;
            skipByteOrderMark();
        }
        CharBuffer out = CharBuffer.wrap(cbuf, off, len);
        while (out.position() == off) {
            if (!bytes.hasRemaining() && !eof) {
                refill();
                continue;
            }
            if (eof && !bytes.hasRemaining() && flushed) {
                return -1;
            }
            int before = out.position();
            CoderResult r = decoder.decode(bytes, out, eof);
            count(cbuf, before, out.position());
            if (r.isError()) {
                if (!out.hasRemaining()) {
                    break;
                }
                if (firstBad < 0) {
                    firstBad = chars + (out.position() - off);
                    firstBadLine = countLines ? lines + 1 : -1;
                    firstBadByte = bytes.get(bytes.position()) & 0xff;
                }
                bytes.position(bytes.position() + r.length());
                out.put('\uFFFD');
                lastCr = false;
            } else if (r.isUnderflow()) {
                if (eof) {
                    if (decoder.flush(out).isOverflow()) {
                        break;
                    }
                    flushed = true;
                    if (out.position() == off) {
                        return -1;
                    }
                    break;
                }
                if (out.position() > off) {
                    break;
                }
                refill();
            } else {
                break;
            }
        }
        int n = out.position() - off;
        chars += n;
        return n;
    }

    private void count(char[] b, int from, int to) {
        if (!countLines) {
            return;
        }
        boolean cr = lastCr;
        long n = lines;
        for (int i = from; i < to; i++) {
            char c = b[i];
            if (c == '\r') {
                n++;
                cr = true;
            } else {
                if (c == '\n' && !cr) {
                    n++;
                }
                cr = false;
            }
        }
        lines = n;
        lastCr = cr;
    }

    /** Moves the undecoded bytes to the front and reads more after them. */
    private void refill() throws IOException {
        bytes.compact();
        try {
            int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
            if (n < 0) {
                eof = true;
            } else {
                bytes.position(bytes.position() + n);
            }
        } finally {
            bytes.flip();
        }
    }

    private void skipByteOrderMark() throws IOException {
        while (!eof && bytes.remaining() < 3) {
            refill();
        }
        if (bytes.remaining() >= 3 && (bytes.get(0) & 0xff) == 0xEF && (bytes.get(1) & 0xff) == 0xBB
                && (bytes.get(2) & 0xff) == 0xBF) {
            bytes.position(3);
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
