package org.iosup.trace.parquet;

/**
 * How a Parquet trace is read.
 *
 * @param verify check the checksums the file carries (each page's CRC-32, iosup's footer CRC) and
 *               fail at the first mismatch; without it nothing is checked and nothing is trusted:
 *               every column of the file is decoded and validated, whatever the caller reads
 */
public record TraceReadOptions(boolean verify) {
    /** The default: verify. */
    public static final TraceReadOptions DEFAULT = new TraceReadOptions(true);
}
