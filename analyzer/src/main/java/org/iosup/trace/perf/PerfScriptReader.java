package org.iosup.trace.perf;

/**
 * The line grammar of {@code perf script}: a sample line, then its call chain (indented frames,
 * innermost first) up to a blank line or the next sample; the {@code #} lines of {@code --header}
 * before the first sample, and perf's LOST lines.
 */
final class PerfScriptReader {
    private final PerfLine line;
    private final TracepointTranslator translator;
    private final BadLines bad;
    private final ImportReport report;
    private final int[] range = new int[2];
    /** Whether a sample was seen (perf script --header lines come before the first). */
    private boolean sampleSeen;
    /** Whether a sample is being read (its call chain follows it). */
    private boolean inSample;
    /** The sample's allocation while its chain is read, or null. */
    private TracepointTranslator.Alloc alloc;
    /** The allocation every sample's is read into. */
    private final TracepointTranslator.Alloc spare = new TracepointTranslator.Alloc();

    PerfScriptReader(PerfLine line, TracepointTranslator translator, BadLines bad, ImportReport report) {
        this.line = line;
        this.translator = translator;
        this.bad = bad;
        this.report = report;
    }

    /** Reads line {@code no}, the one in the shared {@link PerfLine}. */
    void onLine(long no) {
        if (line.isBlank()) {
            endSample();
            return;
        }
        // perf prints a tab before each frame's address; a line without one that reads as a frame may also be a
        // sample whose process name looks like an address (" C1 CompilerThre 24310/24324 [000] ..."): a sample wins.
        if (inSample && line.chainSymbol(range) && (line.tabbed() || !line.parseSample())) {
            if (alloc != null) {
                translator.frame(alloc, range[0], range[1]);
            }
            return;
        }
        if (line.parseSample()) {
            endSample();
            report.samples++;
            sampleSeen = true;
            inSample = true;
            try {
                translator.header(no);
                alloc = translator.sample(no, spare);
            } catch (BadLines.Skip skipped) {
                // Counted; its call chain is skipped with it.
            }
            return;
        }
        if (!sampleSeen && isHeaderLine()) {
            report.headerLines++;
            return;
        }
        if (line.containsLost()) {
            report.lostRecords++;
            return;
        }
        bad.malformed(no, "not a perf script sample or call-chain line");
    }

    /** The input ends. */
    void end() {
        endSample();
    }

    /** The sample ends (a blank line, the next sample or the input's end). */
    private void endSample() {
        if (alloc != null) {
            translator.finish(alloc);
            alloc = null;
        }
        inSample = false;
    }

    /** A line of the header that {@code perf script --header} prints before the samples: it starts with '#'. */
    private boolean isHeaderLine() {
        int i = line.start;
        while (i < line.end && line.buf[i] == ' ') {
            i++;
        }
        return i < line.end && line.buf[i] == '#';
    }
}
