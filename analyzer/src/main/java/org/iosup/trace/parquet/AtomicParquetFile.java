package org.iosup.trace.parquet;

import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.iosup.io.AtomicOutput;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * parquet-java's view of an {@link AtomicOutput}: the file is written to the output's temporary,
 * through a stream the output closes itself if the writer fails (so a full disk leaves no open
 * descriptor on a deleted file), and appears when the output is committed.
 */
final class AtomicParquetFile implements OutputFile {
    private final AtomicOutput output;

    AtomicParquetFile(AtomicOutput output) {
        this.output = output;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) {
        OutputStream out = new BufferedOutputStream(output.newOutputStream(), 1 << 16);
        return new PositionOutputStream() {
            private long pos;

            @Override
            public long getPos() {
                return pos;
            }

            @Override
            public void write(int b) throws IOException {
                out.write(b);
                pos++;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                pos += len;
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
        return create(blockSizeHint);
    }

    @Override
    public boolean supportsBlockSize() {
        return false;
    }

    @Override
    public long defaultBlockSize() {
        return 0;
    }

    @Override
    public String getPath() {
        return output.target().toString();
    }
}
