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

    /** The share of the plot's columns at which a greyscale copy of the image has ink within 2 pixels of row {@code y}. */
    private static double inkAlong(BufferedImage img, java.awt.geom.Rectangle2D area, int y) {
        int columns = 0;
        int inked = 0;
        for (int x = (int) area.getMinX() + 20; x < (int) area.getMaxX() - 20; x++) {
            columns++;
            for (int dy = -2; dy <= 2; dy++) {
                Color p = new Color(img.getRGB(x, y + dy));
                double grey = 0.299 * p.getRed() + 0.587 * p.getGreen() + 0.114 * p.getBlue();
                if (grey < 170) {
                    inked++;
                    break;
                }
            }
        }
        return (double) inked / columns;
    }

    @Test
    void theGroupsStayApartInGreyscaleByTheirLineStyle() {
        // The demo's three groups, each flat at its own height, drawn at the demo's size, then read
        // back as grey levels: the colours' luminances are close (vermillion 119, blue 87, green
        // 106), so only the line style can tell them apart, and it must.
        PolicyColors c = new PolicyColors(List.of("cache-disabled", "cache-pre-enabled", "cache-dynamic-enabled"));
        double[] heights = {900, 500, 300};
        List<Charts.Line> lines = new java.util.ArrayList<>();
        String[] names = {"cache-disabled", "cache-pre-enabled", "cache-dynamic-enabled"};
        for (int i = 0; i < names.length; i++) {
            double[] y = new double[30];
            java.util.Arrays.fill(y, heights[i]);
            lines.add(new Charts.Line(names[i], y, c.of(names[i]), c.dash(names[i])));
        }
        JFreeChart chart = Charts.lines("t", "minute", "calls per minute", lines, "none", Charts.LogY.OFF);
        org.jfree.chart.ChartRenderingInfo info = new org.jfree.chart.ChartRenderingInfo();
        BufferedImage img = chart.createBufferedImage(1600, 900, info);
        java.awt.geom.Rectangle2D area = info.getPlotInfo().getDataArea();
        org.jfree.chart.axis.ValueAxis axis = chart.getXYPlot().getRangeAxis();
        double[] ink = new double[names.length];
        for (int i = 0; i < names.length; i++) {
            int y = (int) Math.round(axis.valueToJava2D(heights[i], area, chart.getXYPlot().getRangeAxisEdge()));
            ink[i] = inkAlong(img, area, y);
        }
        // Solid, dashed (10 on, 6 off), dotted (2 on, 4 off): clearly different shares of ink.
        assertThat(ink[0]).as("solid").isGreaterThan(0.95);
        assertThat(ink[1]).as("dashed").isBetween(0.5, 0.85);
        assertThat(ink[2]).as("dotted").isBetween(0.2, 0.5);
        assertThat(ink[0] - ink[1]).isGreaterThan(0.15);
        assertThat(ink[1] - ink[2]).isGreaterThan(0.15);
    }

    @Test
    void seedBandsHaveRoundTicksAndALogAxisWhenTheyNeedOne() {
        double[] off = new double[30];
        double[] on = new double[30];
        double[] half = new double[30];
        java.util.Arrays.fill(off, 40_000);
        java.util.Arrays.fill(on, 3);
        java.util.Arrays.fill(half, 1);
        List<Charts.Band> bands = List.of(new Charts.Band("off", off, half, PolicyColors.BASELINE, 0),
                new Charts.Band("on", on, half, PolicyColors.OTHERS[0], 1));
        JFreeChart log = Charts.bands("t", "minute", "calls", bands, Charts.LogY.AUTO);
        assertThat(log.getXYPlot().getRangeAxis()).isInstanceOf(org.jfree.chart.axis.LogarithmicAxis.class);
        JFreeChart linear = Charts.bands("t", "minute", "calls", bands, Charts.LogY.OFF);
        assertThat(((NumberAxis) linear.getXYPlot().getRangeAxis()).getTickUnit().getSize()).isEqualTo(10_000);
        assertThat(((NumberAxis) linear.getXYPlot().getDomainAxis()).getTickUnit().getSize()).isEqualTo(10);
    }
}
