package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.training.EpochRecord;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Per-epoch error curves of one or more runs: a CSV file and a PNG in the style of the paper's Figure 1. */
final class ErrorCurves {
    static final String CSV_HEADER =
            "variant,epoch,train_errors,train_count,train_error_pct,test_errors,test_count,test_error_pct,fit_seconds";

    private final Map<String, List<EpochRecord>> runs = new LinkedHashMap<>();

    void add(String variant, List<EpochRecord> history) {
        runs.put(variant, List.copyOf(history));
    }

    /** One row per (variant, epoch); see {@link #CSV_HEADER}. */
    void writeCsv(Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(CSV_HEADER + "\n");
            for (Map.Entry<String, List<EpochRecord>> run : runs.entrySet()) {
                for (EpochRecord r : run.getValue()) {
                    w.write(String.format(
                            Locale.ROOT,
                            "%s,%d,%d,%d,%.4f,%d,%d,%.4f,%.3f%n",
                            run.getKey(),
                            r.epoch(),
                            r.trainErrors(),
                            r.trainCount(),
                            r.trainErrorPercent(),
                            r.testErrors(),
                            r.testCount(),
                            r.testErrorPercent(),
                            r.fitSeconds()));
                }
            }
        }
    }

    /** Test error (%) against epochs, one line per variant, like Figure 1 of the paper. Headless. */
    void writePng(Path file, String title) throws IOException {
        // Zoom on the interesting range, as the paper's Figure 1 does: up to 2.5x the worst final error (the first
        // epochs' large errors are clipped).
        double worstFinal = runs.values().stream()
                .filter(h -> !h.isEmpty())
                .mapToDouble(h -> h.get(h.size() - 1).testErrorPercent())
                .max()
                .orElse(100);
        Map<String, double[][]> series = new LinkedHashMap<>();
        runs.forEach((variant, h) -> series.put(variant, new double[][] {
            h.stream().mapToDouble(EpochRecord::epoch).toArray(),
            h.stream().mapToDouble(EpochRecord::testErrorPercent).toArray()
        }));
        writeLines(
                file,
                title,
                "Classification error on the test set (%)",
                series,
                Math.min(100, Math.ceil(2.5 * worstFinal)));
    }

    /**
     * A headless PNG of one line per entry of {@code series} ({@code {x[], y[]}}, x in epochs), y from 0 to
     * {@code yMax} (NaN: automatic).
     */
    static void writeLines(Path file, String title, String yTitle, Map<String, double[][]> series, double yMax)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder()
                .width(900)
                .height(600)
                .title(title)
                .xAxisTitle("Epochs")
                .yAxisTitle(yTitle)
                .build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        chart.getStyler().setMarkerSize(4);
        chart.getStyler().setYAxisMin(0.0);
        if (!Double.isNaN(yMax)) {
            chart.getStyler().setYAxisMax(yMax);
        }
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            if (e.getValue()[0].length == 0) {
                continue;
            }
            XYSeries s = chart.addSeries(e.getKey(), e.getValue()[0], e.getValue()[1]);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineStyle(new BasicStroke(1.5f));
        }
        String name = file.getFileName().toString();
        String base = name.endsWith(".png") ? name.substring(0, name.length() - 4) : name;
        BitmapEncoder.saveBitmap(chart, file.resolveSibling(base).toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
