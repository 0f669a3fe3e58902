using System.Globalization;
using System.Xml;
using NeuroSync.Cli.Output;
using static NeuroSync.Cli.Output.SvgElements;

namespace NeuroSync.Cli.Scoring;

/// <summary>
/// Draws a confusion matrix as a self-contained SVG: one cell per (gold, predicted) pair holding its count, coloured by
/// the count's share of its row (so a rare label's row reads as clearly as a frequent one's), gold labels down the left,
/// predicted labels across the top, the columns for labels outside the label set set apart by a gap.
/// </summary>
/// <remarks>Written with <see cref="SvgElements"/> (an <see cref="XmlWriter"/>, which escapes every label, so any label text gives well-formed XML).</remarks>
internal static class ConfusionMatrixSvg
{
    private const int Cell = 52;
    private const int FontSize = 12;
    private const double CharWidth = FontSize * 0.62; // a generous average advance for sans-serif, so labels never clip
    private const int ExtraGap = 10;
    private const int Margin = 16;

    /// <summary>Writes the SVG document.</summary>
    /// <param name="writer">Where to write it.</param>
    /// <param name="confusion">The matrix.</param>
    /// <param name="title">The first title line (what was evaluated).</param>
    /// <param name="subtitle">The second title line (the scores).</param>
    public static void Write(TextWriter writer, ConfusionReport confusion, string title, string subtitle)
    {
        int rows = confusion.Gold.Count;
        int columns = confusion.Predicted.Count;
        int extras = columns - rows;
        int rowLabelWidth = (int)Math.Ceiling(confusion.Gold.Max(l => l.Length) * CharWidth);
        int columnLabelHeight = (int)Math.Ceiling(confusion.Predicted.Max(l => l.Length) * CharWidth * Math.Sqrt(0.5)) + FontSize;
        int supportWidth = (int)Math.Ceiling("support".Length * CharWidth) + 8;

        int titleHeight = (2 * (FontSize + 6)) + 8;
        int left = Margin + FontSize + 10 + rowLabelWidth + 8;              // axis title, row labels
        int top = Margin + titleHeight + FontSize + 8 + columnLabelHeight; // titles, axis title, column labels
        int matrixWidth = (columns * Cell) + (extras > 0 ? ExtraGap : 0);
        int width = Math.Max(left + matrixWidth + Math.Max(8 + supportWidth, columnLabelHeight) + Margin, Margin + (int)Math.Ceiling(Math.Max(title.Length, subtitle.Length) * CharWidth) + Margin);
        int height = top + (rows * Cell) + Margin;

        using XmlWriter xml = SvgElements.Create(writer);
        SvgElements.StartDocument(xml, width, height, FontSize);
        Text(xml, Margin, Margin + FontSize + 2, title, "start", bold: true);
        Text(xml, Margin, Margin + (2 * FontSize) + 10, subtitle, "start");

        // Axis titles: "predicted" above the columns, "gold" rotated beside the rows.
        Text(xml, left + (matrixWidth / 2.0), Margin + titleHeight + FontSize, "predicted", "middle", bold: true);
        double goldX = Margin + FontSize;
        double goldY = top + (rows * Cell / 2.0);
        Text(xml, goldX, goldY, "gold", "middle", bold: true, transform: Invariant($"rotate(-90 {goldX:0.#} {goldY:0.#})"));

        for (int c = 0; c < columns; c++)
        {
            double x = ColumnX(left, rows, c) + (Cell / 2.0);
            double y = top - 6;
            Text(xml, x, y, confusion.Predicted[c], "start", italic: c >= rows, transform: Invariant($"rotate(-45 {x:0.#} {y:0.#})"));
        }

        Text(xml, left + matrixWidth + 8, top - 6, "support", "start", italic: true);
        for (int r = 0; r < rows; r++)
        {
            int[] counts = confusion.Counts[r];
            int total = counts.Sum();
            double y = top + (r * Cell);
            Text(xml, left - 8, y + (Cell / 2.0) + (FontSize / 3.0), confusion.Gold[r], "end");
            for (int c = 0; c < columns; c++)
            {
                double share = total == 0 ? 0 : (double)counts[c] / total;
                double x = ColumnX(left, rows, c);
                Rect(xml, x, y, Cell, Cell, Colour(share), stroke: "#d0d0d0");
                string ink = share > 0.5 ? "#ffffff" : counts[c] == 0 ? "#a0a0a0" : Ink;
                Text(xml, x + (Cell / 2.0), y + (Cell / 2.0) + (FontSize / 3.0), counts[c].ToString(CultureInfo.InvariantCulture), "middle", fill: ink);
            }

            Text(xml, left + matrixWidth + 8, y + (Cell / 2.0) + (FontSize / 3.0), total.ToString(CultureInfo.InvariantCulture), "start");
        }

        // The diagonal (correct predictions) outlined last, so no neighbouring cell's border is drawn over it.
        for (int r = 0; r < rows; r++)
        {
            Rect(xml, ColumnX(left, rows, r), top + (r * Cell), Cell, Cell, "none", stroke: Ink);
        }

        SvgElements.EndDocument(xml);
    }

    private static double ColumnX(int left, int goldColumns, int column) => left + (column * Cell) + (column >= goldColumns ? ExtraGap : 0);

    /// <summary>White for 0, through blues, to a dark blue for a whole row (ColorBrewer's Blues end points).</summary>
    private static string Colour(double share)
    {
        static int Mix(int from, int to, double t) => (int)Math.Round(from + ((to - from) * t));
        double t = Math.Clamp(share, 0, 1);
        return Invariant($"#{Mix(0xf7, 0x08, t):x2}{Mix(0xfb, 0x30, t):x2}{Mix(0xff, 0x6b, t):x2}");
    }
}
