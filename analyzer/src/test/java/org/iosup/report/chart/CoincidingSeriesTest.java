package org.iosup.report.chart;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.title.TextTitle;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A chart names each series that repeats an earlier one under its title; one with series apart does not. */
class CoincidingSeriesTest {
    private static List<String> notes(JFreeChart chart) {
        return chart.getSubtitles().stream().filter(t -> t instanceof TextTitle).map(t -> ((TextTitle) t).getText())
                .toList();
    }

    @Test
    void coincidingLinesAreNamed() {
        double[] x = {0, 1, 2};
        List<Charts.Points> same = List.of(new Charts.Points("a", x, new double[] {1, 2, 3}, Color.RED, 0),
                new Charts.Points("b", x, new double[] {1, 2, 3}, Color.BLUE, 1));
        assertThat(notes(Charts.xy("t", "x", "y", same))).containsExactly("identical, drawn on top of each other: a = b");
        List<Charts.Points> apart = List.of(same.get(0), new Charts.Points("b", x, new double[] {1, 2, 4}, Color.BLUE, 1));
        assertThat(notes(Charts.xy("t", "x", "y", apart))).isEmpty();
        JFreeChart steps = Charts.lines("t", "minute", "calls", List.of(new Charts.Line("off", new double[] {5, 5}, Color.RED, 0),
                new Charts.Line("on", new double[] {1, 0}, Color.BLUE, 1), new Charts.Line("dyn", new double[] {5, 5}, Color.GREEN, 2)));
        assertThat(notes(steps)).containsExactly("identical, drawn on top of each other: off = dyn");
        double[] x3 = {0, 1};
        List<Charts.Points> many = new java.util.ArrayList<>();
        for (String p : List.of("cache-disabled", "cache-pre-enabled", "cache-dynamic-enabled")) {
            for (String d : List.of("device 00:1f.2", "device 01:00.0")) {
                many.add(new Charts.Points(p + ", " + d, x3, d.endsWith("2") ? new double[] {1, 2} : new double[] {3, 4},
                        Color.RED, 0));
            }
        }
        assertThat(notes(Charts.xy("t", "x", "y", many))).containsExactly("identical, drawn on top of each other: "
                + "cache-disabled, device 00:1f.2 = cache-pre-enabled, device 00:1f.2 = cache-dynamic-enabled, device 00:1f.2;"
                + " and 1 more group(s) alike");
    }

    @Test
    void seriesThatShareALeadingOrTrailingRunAreNamedWithTheirMinutes() {
        // The dynamic group equals the baseline until its switch, then the pre-enabled group once both pools are full.
        JFreeChart c = Charts.lines("t", "minute", "calls", List.of(
                new Charts.Line("off", new double[] {9, 9, 8, 9, 9, 9, 9, 9}, Color.RED, 0),
                new Charts.Line("pre", new double[] {1, 1, 0, 0, 0, 2, 2, 2}, Color.BLUE, 1),
                new Charts.Line("dyn", new double[] {9, 9, 8, 9, 4, 3, 3, 3}, Color.GREEN, 2)));
        assertThat(notes(c)).containsExactly("same values: dyn = off in minutes 0-3");
        JFreeChart tail = Charts.lines("t", "minute", "pages", List.of(
                new Charts.Line("pre", new double[] {5, 6, 7, 7, 7}, Color.BLUE, 1),
                new Charts.Line("dyn", new double[] {0, 0, 7, 7, 7}, Color.GREEN, 2)));
        assertThat(notes(tail)).containsExactly("same values: dyn = pre from minute 2");
        // Runs of zeros, or under three minutes, are left to the reader.
        JFreeChart zeros = Charts.lines("t", "minute", "pages", List.of(
                new Charts.Line("pre", new double[] {0, 0, 0, 0, 7}, Color.BLUE, 1),
                new Charts.Line("dyn", new double[] {0, 0, 0, 0, 6}, Color.GREEN, 2)));
        assertThat(notes(zeros)).isEmpty();
    }
}
