package org.iosup.trace.parquet;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Page compression for one reader or writer (not thread-safe). ZSTD goes straight through
 * zstd-jni with one reused context: Hadoop's codec path opens a new stream per page, which cost
 * more than the compression itself on pages of tens of kilobytes. The frames are standard, so
 * any Parquet reader reads them. Other codecs go through parquet-java's {@link CodecFactory}.
 */
// parquet-java marks the page-level calls this hand-written codec needs as deprecated (BytesInput's
// toByteArray/toByteBuffer, PLAIN_DICTIONARY of older writers' files, writeDataPageV2 with statistics,
// the bit packers' byte[] unpack) without a replacement at that level; they are what parquet-java's own
// writers and readers call.
@SuppressWarnings("deprecation")
final class PageCodecs implements CompressionCodecFactory {
    /**
     * ZSTD level 1, not parquet-java's default of 3: the pages are already delta-, dictionary- and
     * bit-packed, so level 3 saved little (synthesized busy trace: 3.35 against 3.41 bytes an event)
     * while compression took about 40% of the time of writing a trace.
     */
    static final int ZSTD_LEVEL = 1;

    private final CodecFactory others = new CodecFactory(new PlainParquetConfiguration(), 1 << 20);
    private ZstdCompressCtx compressCtx;
    private ZstdDecompressCtx decompressCtx;

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        if (codec != CompressionCodecName.ZSTD) {
            return others.getCompressor(codec);
        }
        if (compressCtx == null) {
            compressCtx = new ZstdCompressCtx().setLevel(ZSTD_LEVEL);
        }
        return new ZstdCompressor(compressCtx);
    }

    /** ZSTD through one reused context and output buffer; {@link #compress(byte[])} skips BytesInput. */
    static final class ZstdCompressor implements BytesInputCompressor {
        private final ZstdCompressCtx ctx;
        private byte[] out = new byte[0];

        ZstdCompressor(ZstdCompressCtx ctx) {
            this.ctx = ctx;
        }

        byte[] compress(byte[] raw) {
            int bound = (int) Zstd.compressBound(raw.length);
            if (out.length < bound) {
                out = new byte[bound];
            }
            int n = ctx.compressByteArray(out, 0, out.length, raw, 0, raw.length);
            return java.util.Arrays.copyOf(out, n);
        }

        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            return BytesInput.from(compress(bytes.toByteArray()));
        }

        @Override
        public CompressionCodecName getCodecName() {
            return CompressionCodecName.ZSTD;
        }

        @Override
        public void release() {
        }
    }

    /** Compresses a page's bytes with any codec's compressor, without copies for ZSTD. */
    static byte[] compress(BytesInputCompressor compressor, byte[] raw) {
        if (compressor instanceof ZstdCompressor z) {
            return z.compress(raw);
        }
        try {
            return compressor.compress(BytesInput.from(raw)).toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        if (codec != CompressionCodecName.ZSTD) {
            return others.getDecompressor(codec);
        }
        if (decompressCtx == null) {
            decompressCtx = new ZstdDecompressCtx();
        }
        ZstdDecompressCtx ctx = decompressCtx;
        return new BytesInputDecompressor() {
            @Override
            public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
                // The page is usually a slice of the row group's heap buffer: read it in place.
                ByteBuffer src = bytes.toByteBuffer();
                byte[] in;
                int from;
                int length = src.remaining();
                if (src.hasArray()) {
                    in = src.array();
                    from = src.arrayOffset() + src.position();
                } else {
                    in = new byte[length];
                    src.duplicate().get(in);
                    from = 0;
                }
                byte[] out = new byte[uncompressedSize];
                int n = ctx.decompressByteArray(out, 0, uncompressedSize, in, from, length);
                if (n != uncompressedSize) {
                    throw new IOException("ZSTD page decompressed to " + n + " bytes, expected " + uncompressedSize);
                }
                return BytesInput.from(out);
            }

            @Override
            public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int decompressedSize)
                    throws IOException {
                byte[] in = new byte[compressedSize];
                input.duplicate().get(in);
                byte[] out = new byte[decompressedSize];
                int n = ctx.decompressByteArray(out, 0, decompressedSize, in, 0, compressedSize);
                if (n != decompressedSize) {
                    throw new IOException("ZSTD page decompressed to " + n + " bytes, expected " + decompressedSize);
                }
                output.put(out);
            }

            @Override
            public void release() {
            }
        };
    }

    /** The codecs iosup reads: parquet-java's own, ZSTD through zstd-jni, BROTLI through Google's Java decoder. */
    static final java.util.Set<CompressionCodecName> READABLE = java.util.EnumSet.of(
            CompressionCodecName.UNCOMPRESSED, CompressionCodecName.SNAPPY, CompressionCodecName.GZIP,
            CompressionCodecName.ZSTD, CompressionCodecName.LZ4_RAW, CompressionCodecName.BROTLI);

    /**
     * Decompresses src[from, from + length) of a page to exactly {@code size} bytes: a page that
     * decompresses to more or fewer is an error, as is any failure of the codec.
     */
    byte[] decompress(CompressionCodecName codec, byte[] src, int from, int length, int size) throws IOException {
        switch (codec) {
            case UNCOMPRESSED -> {
                if (length != size) {
                    throw new IOException("an uncompressed page of " + length + " bytes said to hold " + size);
                }
                return java.util.Arrays.copyOfRange(src, from, from + length);
            }
            case ZSTD -> {
                if (decompressCtx == null) {
                    decompressCtx = new ZstdDecompressCtx();
                }
                byte[] out = new byte[size];
                int n;
                try {
                    n = decompressCtx.decompressByteArray(out, 0, size, src, from, length);
                } catch (RuntimeException e) {
                    decompressCtx.reset();
                    throw new IOException("ZSTD: " + e.getMessage(), e);
                }
                if (n != size) {
                    throw new IOException("the page decompressed to " + n + " bytes, its header says " + size);
                }
                return out;
            }
            case BROTLI -> {
                byte[] out = new byte[size];
                try (java.io.InputStream in = new org.brotli.dec.BrotliInputStream(
                        new java.io.ByteArrayInputStream(src, from, length))) {
                    int n = in.readNBytes(out, 0, size);
                    if (n != size || in.read() >= 0) {
                        throw new IOException("the page decompressed to " + (n != size ? n + " bytes" : "more bytes")
                                + ", its header says " + size);
                    }
                } catch (IOException e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw new IOException("BROTLI: " + e.getMessage(), e);
                }
                return out;
            }
            default -> {
                if (!READABLE.contains(codec)) {
                    throw new IOException("codec " + codec + " is not supported");
                }
                byte[] out = others.getDecompressor(codec).decompress(BytesInput.from(src, from, length), size).toByteArray();
                if (out.length != size) {
                    throw new IOException("the page decompressed to " + out.length + " bytes, its header says " + size);
                }
                return out;
            }
        }
    }

    @Override
    public void release() {
        others.release();
        if (compressCtx != null) {
            compressCtx.close();
        }
        if (decompressCtx != null) {
            decompressCtx.close();
        }
    }

    static {
        // Fail early and clearly if the native library cannot load on this platform.
        Zstd.defaultCompressionLevel();
    }
}
