package org.iosup.report.chart;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.AbstractXYItemRenderer;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.data.RangeType;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Charts drawn with JFreeChart, headless, in one style: white background, grey grid, a title, axis
 * labels with units, a legend, lines two pixels wide. Written as PNG.
 */
public final class Charts {
    /** Dash patterns, to tell series of one colour apart (e.g. levels of one policy). */
    private static final float[][] DASHES = {null, {10f, 6f}, {2f, 4f}, {12f, 4f, 2f, 4f}, {20f, 6f},
        {6f, 3f, 2f, 3f, 2f, 3f}, {2f, 8f}, {16f, 4f, 4f, 4f}};
    /** The size of the sentence that replaces an empty panel, and of the notes under titles. */
    private static final Font NOTE = new Font(Font.SANS_SERIF, Font.ITALIC, 18);

    static {
        // Rotated text (the y axis titles) drawn as text, not as glyph outlines: SVG and PDF keep it as
        // words a reader can search and copy. The workaround was for JDK bugs long fixed.
        org.jfree.chart.text.TextUtils.setUseDrawRotatedStringWorkaround(false);
    }

    private Charts() {
    }

    /** One line of a line chart. */
    public record Line(String name, double[] y, Color color, int dash) {
    }

    /**
     * A chart of per-minute values: each series drawn as steps (a minute's value holds across the
     * minute), in its colour and dash; a handful of round tick labels on each axis; a series that
     * repeats an earlier one named under the title; and, when every value is 0, the panel replaced
     * by {@code whenEmpty}, the sentence that says why.
     */
    public static JFreeChart lines(String title, String xLabel, String yLabel, List<Line> lines, String whenEmpty) {
        return lines(title, xLabel, yLabel, lines, whenEmpty, LogY.OFF);
    }

    /** When a chart's value axis is logarithmic: {@code AUTO} when the values span more than two decades. */
    public enum LogY {
        AUTO, ON, OFF;

        public static LogY parse(String text, String option) {
            try {
                return LogY.valueOf(text.strip().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new org.iosup.io.UserException(option + " must be auto, on or off, got '" + text + "'");
            }
        }
    }

    /** Whether values spanning from the smallest positive one to {@code max} call for a log axis under {@code mode}. */
    static boolean logScale(LogY mode, List<Points> points) {
        if (mode == LogY.OFF) {
            return false;
        }
        double max = max(points);
        double minPositive = Double.POSITIVE_INFINITY;
        for (Points p : points) {
            for (double y : p.y()) {
                if (y > 0) {
                    minPositive = Math.min(minPositive, y);
                }
            }
        }
        if (max <= 0) {
            return false;
        }
        return mode == LogY.ON || max / minPositive > 100;
    }

    /**
     * {@link #lines(String, String, String, List, String)} with the value axis logarithmic under
     * {@code log}: decades 0, 1, 10, 100..., where 0 sits at the bottom of the axis (values below 10
     * are drawn as JFreeChart's adjusted log, 0 at log 0), so a series at zero stays visible.
     */
    public static JFreeChart lines(String title, String xLabel, String yLabel, List<Line> lines, String whenEmpty,
                                   LogY log) {
        List<Points> points = new java.util.ArrayList<>();
        for (Line l : lines) {
            double[] x = new double[l.y().length];
            for (int i = 0; i < x.length; i++) {
                x[i] = i;
            }
            points.add(new Points(l.name(), x, l.y(), l.color(), l.dash()));
        }
        JFreeChart chart = chart(title, xLabel, yLabel, points, new XYStepRenderer());
        XYPlot plot = chart.getXYPlot();
        double max = max(points);
        niceTicks((NumberAxis) plot.getDomainAxis(), points.stream().mapToDouble(p -> p.x().length).max().orElse(1), true);
        niceTicks((NumberAxis) plot.getRangeAxis(), max, false);
        noteCoinciding(chart, points);
        noteCoincidingInPart(chart, points);
        if (max == 0 && whenEmpty != null) {
            empty(chart, whenEmpty);
        } else if (logScale(log, points)) {
            plot.setRangeAxis(logAxis(yLabel, max));
        }
        return chart;
    }

    /**
     * A log value axis of decades 0, 1, 10, 100... up to the decade above {@code max}, where 0 sits
     * at the bottom (values below 10 drawn as JFreeChart's adjusted log, 0 at log 0), so a series at
     * zero stays visible.
     */
    private static org.jfree.chart.axis.LogarithmicAxis logAxis(String yLabel, double max) {
        org.jfree.chart.axis.LogarithmicAxis axis = new org.jfree.chart.axis.LogarithmicAxis(yLabel
                + " (log scale, 0 at the bottom)");
        axis.setAllowNegativesFlag(true);
        axis.setStrictValuesFlag(false);
        axis.setExpTickLabelsFlag(false);
        axis.setLog10TickLabelsFlag(false);
        axis.setNumberFormatOverride(java.text.NumberFormat.getIntegerInstance(java.util.Locale.ROOT));
        axisFonts(axis);
        axis.setRange(0, Math.pow(10, Math.ceil(Math.log10(Math.max(10, max) * 1.0001))));
        return axis;
    }

    /** {@link #lines(String, String, String, List, String)} with a plain sentence for an empty panel. */
    public static JFreeChart lines(String title, String xLabel, String yLabel, List<Line> lines) {
        return lines(title, xLabel, yLabel, lines, "every series is 0 here: nothing to draw");
    }

    private static double maxX(List<Points> points) {
        double m = 0;
        for (Points p : points) {
            for (double x : p.x()) {
                m = Math.max(m, x);
            }
        }
        return m;
    }

    private static double max(List<Points> points) {
        double m = 0;
        for (Points p : points) {
            for (double y : p.y()) {
                m = Math.max(m, y);
            }
        }
        return m;
    }

    /** Round tick units (1, 2, 2.5 or 5 times a power of ten) giving about five labels up to {@code max}. */
    static double niceUnit(double max) {
        return niceUnit(max, false);
    }

    /** As {@link #niceUnit(double)}; {@code whole}: units of whole numbers only (minutes: 1, 2, 5, 10, 20...). */
    static double niceUnit(double max, boolean whole) {
        if (!(max > 0)) {
            return 1;
        }
        double raw = max / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double f : new double[] {1, 2, 2.5, 5, 10}) {
            if (f * mag >= raw && !(whole && (f * mag) % 1 != 0)) {
                return f * mag;
            }
        }
        return 10 * mag;
    }

    private static void niceTicks(NumberAxis axis, double max, boolean whole) {
        double unit = niceUnit(max, whole);
        java.text.NumberFormat f = java.text.NumberFormat.getNumberInstance(java.util.Locale.ROOT);
        f.setMaximumFractionDigits(unit % 1 == 0 ? 0 : (int) Math.ceil(-Math.log10(unit % 1)) + 1);
        f.setGroupingUsed(true);
        axis.setTickUnit(new NumberTickUnit(unit, f), false, true);
        axisFonts(axis);
    }

    private static void axisFonts(org.jfree.chart.axis.ValueAxis axis) {
        axis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 16));
        axis.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 17));
    }

    /**
     * Names, under the title, the series whose values are identical (drawn on top of each other, so
     * only the last is seen): "identical, drawn on top of each other: a = b; c = d". A note that
     * would run past two lines gives the first group and the number of the others.
     */
    static void noteCoinciding(JFreeChart chart, List<Points> series) {
        List<List<String>> groups = new java.util.ArrayList<>();
        boolean[] taken = new boolean[series.size()];
        for (int i = 0; i < series.size(); i++) {
            if (taken[i]) {
                continue;
            }
            List<String> g = new java.util.ArrayList<>(List.of(series.get(i).name()));
            for (int j = i + 1; j < series.size(); j++) {
                if (!taken[j] && java.util.Arrays.equals(series.get(i).y(), series.get(j).y())) {
                    g.add(series.get(j).name());
                    taken[j] = true;
                }
            }
            if (g.size() > 1) {
                groups.add(g);
            }
        }
        if (groups.isEmpty() || max(series) <= 0) {
            return;
        }
        String text = "identical, drawn on top of each other: " + String.join("; ",
                groups.stream().map(g -> String.join(" = ", g)).toList());
        if (text.length() > 150) {
            text = "identical, drawn on top of each other: " + String.join(" = ", groups.get(0))
                    + (groups.size() > 1 ? "; and " + (groups.size() - 1) + " more group(s) alike" : "");
        }
        chart.addSubtitle(new TextTitle(text, NOTE));
    }

    /** The fewest minutes of a shared run worth a note: shorter runs are read off the chart. */
    private static final int RUN = 3;

    /**
     * Names, under the title, the per-minute series that equal an earlier one over a leading or a
     * trailing run of at least {@value #RUN} minutes, not all zero, without being identical
     * throughout: "same values: dyn = off in minutes 0-4; dyn = on from
     * minute 10" (the dynamic group before its switch, or after its pools filled). Each series
     * is named once, beside the earlier series it shares its longest run with.
     */
    static void noteCoincidingInPart(JFreeChart chart, List<Points> series) {
        List<String> parts = new java.util.ArrayList<>();
        for (int j = 1; j < series.size(); j++) {
            double[] b = series.get(j).y();
            String best = null;
            int bestRun = 0;
            for (int i = 0; i < j; i++) {
                double[] a = series.get(i).y();
                if (a.length != b.length || java.util.Arrays.equals(a, b)) {
                    continue;
                }
                int lead = 0;
                while (lead < a.length && a[lead] == b[lead]) {
                    lead++;
                }
                int trail = 0;
                while (trail < a.length && a[a.length - 1 - trail] == b[b.length - 1 - trail]) {
                    trail++;
                }
                if (lead >= RUN && lead > bestRun && nonZero(a, 0, lead)) {
                    bestRun = lead;
                    best = series.get(j).name() + " = " + series.get(i).name() + " in minutes 0-" + (lead - 1);
                }
                if (trail >= RUN && trail > bestRun && nonZero(a, a.length - trail, a.length)) {
                    bestRun = trail;
                    best = series.get(j).name() + " = " + series.get(i).name() + " from minute " + (a.length - trail);
                }
            }
            if (best != null) {
                parts.add(best);
            }
        }
        if (parts.isEmpty()) {
            return;
        }
        String text = "same values: " + String.join("; ", parts);
        if (text.length() > 150) {
            text = "same values: " + parts.get(0)
                    + (parts.size() > 1 ? "; and " + (parts.size() - 1) + " more alike" : "");
        }
        chart.addSubtitle(new TextTitle(text, NOTE));
    }

    private static boolean nonZero(double[] v, int from, int to) {
        for (int i = from; i < to; i++) {
            if (v[i] != 0) {
                return true;
            }
        }
        return false;
    }

    /** Replaces the panel's lines by a sentence saying why there is nothing to draw. */
    static void empty(JFreeChart chart, String why) {
        XYPlot plot = chart.getXYPlot();
        plot.setDataset(new XYSeriesCollection());
        plot.setNoDataMessage(why);
        plot.setNoDataMessageFont(new Font(Font.SANS_SERIF, Font.ITALIC, 20));
        plot.setNoDataMessagePaint(Color.DARK_GRAY);
        plot.getRangeAxis().setTickLabelsVisible(false);
        plot.getDomainAxis().setTickLabelsVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setDomainGridlinesVisible(false);
        chart.removeLegend();
    }

    /** A vertical line at {@code x} on the time axis, labelled (the dynamic switch, the warm-up cut). */
    public static void marker(JFreeChart chart, double x, String label) {
        ValueMarker m = new ValueMarker(x, Color.GRAY, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 10f, new float[] {5f, 5f}, 0f));
        m.setLabel(label);
        m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        m.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_RIGHT);
        m.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.TOP_LEFT);
        chart.getXYPlot().addDomainMarker(m);
    }

    /** One line with a band: the mean by minute and the half-width of its interval (NaN: no band there). */
    public record Band(String name, double[] mean, double[] halfWidth, Color color, int dash) {
    }

    /**
     * A chart of means by minute, drawn as steps, each with a translucent band of ± its half-width
     * (the seeds' 95% interval), so the spread over seeds shows beside the mean.
     */
    public static JFreeChart bands(String title, String xLabel, String yLabel, List<Band> bands) {
        return bands(title, xLabel, yLabel, bands, LogY.OFF);
    }

    /** {@link #bands(String, String, String, List)} with the value axis logarithmic under {@code log}. */
    public static JFreeChart bands(String title, String xLabel, String yLabel, List<Band> bands, LogY log) {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        for (Band b : bands) {
            YIntervalSeries s = new YIntervalSeries(b.name(), false, true);
            // As steps, like the per-minute charts: a minute's mean and band hold until the next minute.
            for (int i = 0; i < b.mean().length; i++) {
                double h = Double.isNaN(b.halfWidth()[i]) ? 0 : b.halfWidth()[i];
                s.add(i, b.mean()[i], Math.max(0, b.mean()[i] - h), b.mean()[i] + h);
                if (i + 1 < b.mean().length) {
                    s.add(i + 1, b.mean()[i], Math.max(0, b.mean()[i] - h), b.mean()[i] + h);
                }
            }
            data.addSeries(s);
        }
        DeviationRenderer r = new DeviationRenderer(true, false);
        for (int i = 0; i < bands.size(); i++) {
            r.setSeriesFillPaint(i, bands.get(i).color());
        }
        r.setAlpha(0.25f);
        JFreeChart chart = houseStyle(ChartFactory.createXYLineChart(title, xLabel, yLabel, data,
                PlotOrientation.VERTICAL, true, false, false), r, bands.stream().map(Band::color).toList(),
                bands.stream().map(Band::dash).toList());
        List<Points> tops = new java.util.ArrayList<>();
        int minutes = 1;
        for (Band b : bands) {
            double[] top = new double[b.mean().length];
            for (int i = 0; i < top.length; i++) {
                top[i] = b.mean()[i] + (Double.isNaN(b.halfWidth()[i]) ? 0 : b.halfWidth()[i]);
            }
            tops.add(new Points(b.name(), top, top, b.color(), b.dash()));
            minutes = Math.max(minutes, top.length);
        }
        XYPlot plot = chart.getXYPlot();
        niceTicks((NumberAxis) plot.getDomainAxis(), minutes, true);
        double max = max(tops);
        niceTicks((NumberAxis) plot.getRangeAxis(), Math.max(max, 1), false);
        if (logScale(log, tops)) {
            plot.setRangeAxis(logAxis(yLabel, max));
        }
        return chart;
    }

    /** One series of an x-y chart: points (x[i], y[i]), drawn as a line with a marker at each point. */
    public record Points(String name, double[] x, double[] y, Color color, int dash) {
    }

    /** A line chart of y against x (not minutes), each point marked, so lines that coincide stay visible. */
    public static JFreeChart xy(String title, String xLabel, String yLabel, List<Points> series) {
        JFreeChart chart = chart(title, xLabel, yLabel, series, new XYLineAndShapeRenderer(true, true));
        niceTicks((NumberAxis) chart.getXYPlot().getDomainAxis(), maxX(series), false);
        niceTicks((NumberAxis) chart.getXYPlot().getRangeAxis(), max(series), false);
        noteCoinciding(chart, series);
        return chart;
    }

    /**
     * A trade-off chart: every point of {@code all} as a grey marker, and each front of
     * {@code fronts} as a line through its points in its colour, each point numbered with its
     * {@code labels} entry (e.g. its rank in a CSV), so that points stay legible however many there
     * are. The value axis is logarithmic under {@code log} as in {@link #lines}.
     */
    public static JFreeChart front(String title, String xLabel, String yLabel, Points all, List<Points> fronts,
                                   List<String[]> labels, LogY log) {
        List<Points> series = new java.util.ArrayList<>();
        series.add(new Points(all.name(), all.x(), all.y(), new Color(0x999999), 0));
        series.addAll(fronts);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        JFreeChart chart = chart(title, xLabel, yLabel, series, r);
        r.setSeriesLinesVisible(0, false);
        XYPlot plot = chart.getXYPlot();
        niceTicks((NumberAxis) plot.getDomainAxis(), Math.max(1, maxX(List.of(all))), false);
        double max = max(series);
        niceTicks((NumberAxis) plot.getRangeAxis(), Math.max(1, max), false);
        if (logScale(log, series)) {
            plot.setRangeAxis(logAxis(yLabel, max));
        }
        // Room on the right for the last label; labels alternate above and below the front's line.
        plot.getDomainAxis().setUpperMargin(0.08);
        for (int f = 0; f < fronts.size(); f++) {
            Points p = fronts.get(f);
            int shown = 0;
            for (int i = 0; i < p.x().length; i++) {
                if (labels.get(f)[i].isEmpty()) {
                    continue;
                }
                boolean above = shown++ % 2 == 0;
                org.jfree.chart.annotations.XYTextAnnotation a = new org.jfree.chart.annotations.XYTextAnnotation(
                        " " + labels.get(f)[i] + " ", p.x()[i], p.y()[i]);
                a.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
                a.setPaint(p.color());
                a.setTextAnchor(above ? org.jfree.chart.ui.TextAnchor.BOTTOM_LEFT : org.jfree.chart.ui.TextAnchor.TOP_RIGHT);
                plot.addAnnotation(a);
            }
        }
        return chart;
    }

    /** An x-y chart of {@code series} drawn by {@code renderer}, in the house style. */
    private static JFreeChart chart(String title, String xLabel, String yLabel, List<Points> series,
                                    AbstractXYItemRenderer renderer) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Points p : series) {
            XYSeries s = new XYSeries(p.name(), false, true);
            for (int i = 0; i < p.x().length; i++) {
                s.add(p.x()[i], p.y()[i]);
            }
            data.addSeries(s);
        }
        return houseStyle(ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL,
                true, false, false), renderer, series.stream().map(Points::color).toList(),
                series.stream().map(Points::dash).toList());
    }

    /** The house style of an x-y chart: each series in its colour and dash, y from 0, white with grey grid lines. */
    private static JFreeChart houseStyle(JFreeChart chart, AbstractXYItemRenderer renderer, List<Color> colors,
                                         List<Integer> dashes) {
        for (int i = 0; i < colors.size(); i++) {
            renderer.setSeriesPaint(i, colors.get(i));
            renderer.setSeriesStroke(i, stroke(dashes.get(i)));
        }
        XYPlot plot = chart.getXYPlot();
        plot.setRenderer(renderer);
        // The first series (the baseline, solid) drawn first, the others' dashes over it: a series
        // that runs along the baseline shows as a dashed line on a solid one, not hidden beneath it.
        plot.setSeriesRenderingOrder(org.jfree.chart.plot.SeriesRenderingOrder.FORWARD);
        NumberAxis range = (NumberAxis) plot.getRangeAxis();
        range.setAutoRangeIncludesZero(true);
        range.setRangeType(RangeType.POSITIVE);
        style(chart);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** A grouped bar chart: one bar per series (in its colour) in each category. */
    public static JFreeChart bars(String title, String categoryLabel, String valueLabel, List<String> series,
                                  List<Color> colors, List<String> categories, double[][] values) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (int s = 0; s < series.size(); s++) {
            for (int c = 0; c < categories.size(); c++) {
                data.addValue(values[s][c], series.get(s), categories.get(c));
            }
        }
        JFreeChart chart = ChartFactory.createBarChart(title, categoryLabel, valueLabel, data,
                PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer r = (BarRenderer) plot.getRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        for (int s = 0; s < series.size(); s++) {
            r.setSeriesPaint(s, colors.get(s));
        }
        double max = 0;
        for (double[] row : values) {
            for (double v : row) {
                max = Math.max(max, v);
            }
        }
        niceTicks((NumberAxis) plot.getRangeAxis(), max, false);
        style(chart);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return chart;
    }

    private static Stroke stroke(int dash) {
        float[] d = DASHES[dash % DASHES.length];
        return d == null ? new BasicStroke(2f) : new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, d, 0f);
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 22));
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
    }

    /** The file formats a figure can be written in: PNG for screens, SVG and PDF (vector) for papers. */
    public enum Format {
        PNG, SVG, PDF;

        /** The file name extension, without the dot. */
        public String extension() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** A comma-separated list such as {@code png,svg,pdf}; {@code option} names the option in errors. */
        public static java.util.Set<Format> parseList(String text, String option) {
            java.util.Set<Format> out = java.util.EnumSet.noneOf(Format.class);
            for (String s : text.split(",", -1)) {
                String v = s.strip().toUpperCase(java.util.Locale.ROOT);
                try {
                    out.add(Format.valueOf(v));
                } catch (IllegalArgumentException e) {
                    throw new org.iosup.io.UserException(option + " " + text + ": '" + s.strip()
                            + "' is not a format (valid: png, svg, pdf)");
                }
            }
            return out;
        }
    }

    /**
     * Draws charts side by side as {@code name}.png, .svg, .pdf (each format asked) in {@code out},
     * written atomically with the folder; returns the files' names.
     */
    public static List<String> writeEach(org.iosup.io.OutputFolder out, String name, java.util.Set<Format> formats,
                                         int width, int height, JFreeChart... charts) {
        List<String> files = new java.util.ArrayList<>();
        for (Format f : formats) {
            String file = name + "." + f.extension();
            write(out.file(file).temp(), f, width, height, charts);
            files.add(file);
        }
        return files;
    }

    /** Draws charts side by side into {@code file} in {@code format}, {@code width} × {@code height} (pixels, or points). */
    public static void write(Path file, Format format, int width, int height, JFreeChart... charts) {
        switch (format) {
            case PNG -> writePng(file, width, height, charts);
            case SVG -> {
                org.jfree.svg.SVGGraphics2D g = new org.jfree.svg.SVGGraphics2D(width, height);
                g.setDefsKeyPrefix("iosup"); // not the default time-based prefix: the same input, the same bytes
                drawSideBySide(g, width, height, charts);
                try {
                    java.nio.file.Files.writeString(file, g.getSVGDocument());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write " + file, e);
                }
            }
            case PDF -> {
                org.jfree.pdf.PDFDocument doc = new org.jfree.pdf.PDFDocument();
                doc.setTitle(charts[0].getTitle() == null ? "iosup" : charts[0].getTitle().getText());
                doc.setAuthor("iosup");
                org.jfree.pdf.Page page = doc.createPage(new Rectangle2D.Double(0, 0, width, height));
                drawSideBySide(page.getGraphics2D(), width, height, charts);
                try {
                    java.nio.file.Files.write(file, fixedDates(doc.getPDFBytes()));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write " + file, e);
                }
            }
        }
    }

    /**
     * The PDF with its creation and modification dates set to 2000-01-01, so that the same figure
     * gives the same bytes (JFreePDF stamps the time of writing and has no option for it). The
     * dates keep their length, so the file's cross-reference offsets stay right.
     */
    static byte[] fixedDates(byte[] pdf) {
        String text = new String(pdf, java.nio.charset.StandardCharsets.ISO_8859_1);
        String fixed = text.replaceAll("/(CreationDate|ModDate) \\(D:\\d{14}", "/$1 (D:20000101000000");
        return fixed.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static void drawSideBySide(Graphics2D g, int width, int height, JFreeChart... charts) {
        double w = (double) width / charts.length;
        for (int i = 0; i < charts.length; i++) {
            charts[i].draw(g, new Rectangle2D.Double(i * w, 0, w, height));
        }
    }

    /** Draws charts side by side into one PNG of {@code width} × {@code height}. */
    public static void writePng(Path file, int width, int height, JFreeChart... charts) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            drawSideBySide(g, width, height, charts);
        } finally {
            g.dispose();
        }
        try {
            if (!ImageIO.write(img, "png", file.toFile())) {
                throw new IllegalStateException("no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
