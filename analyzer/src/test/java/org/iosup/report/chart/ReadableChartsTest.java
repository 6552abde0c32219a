package org.iosup.report.chart;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Charts drawn from fixed data and read back: colours by role, round ticks, empty panels that say why. */
class ReadableChartsTest {
    @TempDir
    Path dir;

    private static long count(BufferedImage img, Color c, int x0, int x1) {
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = x0; x < x1; x++) {
                if ((img.getRGB(x, y) & 0xffffff) == (c.getRGB() & 0xffffff)) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void theBaselineHasOneColourWhateverItsNameAndTheOthersTheOkabeItoPalette() {
        PolicyColors demo = new PolicyColors(List.of("cache-disabled", "cache-pre-enabled", "cache-dynamic-enabled"));
        PolicyColors other = new PolicyColors(List.of("base", "pre-enabled", "dynamic@5m"));
        assertThat(demo.of("cache-disabled")).isEqualTo(PolicyColors.BASELINE).isEqualTo(other.of("base"));
        assertThat(demo.of("cache-pre-enabled")).isEqualTo(new Color(0x0072B2)).isEqualTo(other.of("pre-enabled"));
        assertThat(demo.of("cache-dynamic-enabled")).isEqualTo(new Color(0x009E73));
        // Told apart in greyscale too: each role its own dash.
        assertThat(List.of(demo.dash("cache-disabled"), demo.dash("cache-pre-enabled"), demo.dash("cache-dynamic-enabled")))
                .containsExactly(0, 1, 2);
    }

    @Test
    void everySeriesColourIsDrawnAndTheTicksAreAHandful() throws IOException {
        PolicyColors c = new PolicyColors(List.of("off", "on", "dyn"));
        double[] off = new double[30];
        double[] on = new double[30];
        double[] dyn = new double[30];
        for (int m = 0; m < 30; m++) {
            off[m] = 40_000 + 500 * (m % 3);
            on[m] = m < 2 ? 300 : 0;
            dyn[m] = m < 5 ? off[m] : 20_000;
        }
        JFreeChart chart = Charts.lines("Flush calls", "minute", "calls per minute", List.of(
                new Charts.Line("off", off, c.of("off"), c.dash("off")), new Charts.Line("on", on, c.of("on"), c.dash("on")),
                new Charts.Line("dyn", dyn, c.of("dyn"), c.dash("dyn"))));
        Charts.marker(chart, 5, "minute 5: dynamic switch");
        Path png = dir.resolve("c.png");
        Charts.writePng(png, 1600, 900, chart);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(1600);
        assertThat(img.getHeight()).isEqualTo(900);
        for (String p : List.of("off", "on", "dyn")) {
            assertThat(count(img, c.of(p), 0, 1600)).as(p).isGreaterThan(100);
        }
        NumberAxis y = (NumberAxis) chart.getXYPlot().getRangeAxis();
        double unit = y.getTickUnit().getSize();
        assertThat(unit).isEqualTo(10_000);
        assertThat(Charts.niceUnit(40_500)).isEqualTo(10_000);
        assertThat(Charts.niceUnit(30)).isEqualTo(10);
        assertThat(Charts.niceUnit(1)).isEqualTo(0.2);
        assertThat(Charts.niceUnit(0.0155)).isEqualTo(0.005);
        java.util.Collection<?> markers = chart.getXYPlot().getDomainMarkers(org.jfree.chart.ui.Layer.FOREGROUND);
        assertThat(markers).hasSize(1);
    }

    @Test
    void aLogAxisComesWhenTheValuesSpanMoreThanTwoDecadesAndKeepsZeroVisible() throws IOException {
        List<Charts.Line> wide = List.of(new Charts.Line("off", new double[] {40_000, 41_000, 40_500}, PolicyColors.BASELINE, 0),
                new Charts.Line("on", new double[] {50, 0, 0}, PolicyColors.OTHERS[0], 1));
        List<Charts.Line> narrow = List.of(new Charts.Line("off", new double[] {400, 410, 405}, PolicyColors.BASELINE, 0),
                new Charts.Line("on", new double[] {50, 60, 0}, PolicyColors.OTHERS[0], 1));
        JFreeChart auto = Charts.lines("t", "minute", "calls", wide, "none", Charts.LogY.AUTO);
        assertThat(auto.getXYPlot().getRangeAxis()).isInstanceOf(org.jfree.chart.axis.LogarithmicAxis.class);
        assertThat(auto.getXYPlot().getRangeAxis().getLabel()).isEqualTo("calls (log scale, 0 at the bottom)");
        assertThat(auto.getXYPlot().getRangeAxis().getLowerBound()).isZero();
        assertThat(auto.getXYPlot().getRangeAxis().getUpperBound()).isEqualTo(100_000);
        assertThat(Charts.lines("t", "minute", "calls", wide, "none", Charts.LogY.OFF).getXYPlot().getRangeAxis())
                .isNotInstanceOf(org.jfree.chart.axis.LogarithmicAxis.class);
        assertThat(Charts.lines("t", "minute", "calls", narrow, "none", Charts.LogY.AUTO).getXYPlot().getRangeAxis())
                .isNotInstanceOf(org.jfree.chart.axis.LogarithmicAxis.class);
        assertThat(Charts.lines("t", "minute", "calls", narrow, "none", Charts.LogY.ON).getXYPlot().getRangeAxis())
                .isInstanceOf(org.jfree.chart.axis.LogarithmicAxis.class);
        // The small series is drawn, zeros included, far from the large one.
        Path png = dir.resolve("log.png");
        Charts.writePng(png, 1600, 900, auto);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(count(img, PolicyColors.OTHERS[0], 0, 1600)).isGreaterThan(100);
        assertThat(count(img, PolicyColors.BASELINE, 0, 1600)).isGreaterThan(100);
    }

    @Test
    void anEmptyPanelShowsItsSentenceInsteadOfAxes() throws IOException {
        double[] zero = new double[10];
        JFreeChart empty = Charts.lines("Issued", "minute", "issued per minute",
                List.of(new Charts.Line("off", zero, PolicyColors.BASELINE, 0)), "No invalidation issued: a test says why");
        assertThat(empty.getXYPlot().getNoDataMessage()).isEqualTo("No invalidation issued: a test says why");
        assertThat(empty.getXYPlot().getDataset().getSeriesCount()).isZero();
        Path png = dir.resolve("e.png");
        Charts.writePng(png, 1600, 900, empty);
        BufferedImage img = ImageIO.read(png.toFile());
        // The sentence's pixels, in dark grey, across the middle of the panel.
        long text = 0;
        for (int y = 380; y < 520; y++) {
            for (int x = 200; x < 1400; x++) {
                Color p = new Color(img.getRGB(x, y));
                if (p.getRed() < 110 && Math.abs(p.getRed() - p.getBlue()) < 8) {
                    text++;
                }
            }
        }
        assertThat(text).isGreaterThan(500);
        assertThat(count(img, PolicyColors.BASELINE, 0, 1600)).isZero();
    }
}
