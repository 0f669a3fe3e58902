using System.Globalization;
using System.Xml;

namespace NeuroSync.Cli.Output;

/// <summary>
/// The pieces the command's SVG plots are drawn with (<see cref="Scoring.ConfusionMatrixSvg"/>, <see cref="Timeline.TimelineSvg"/>):
/// the document element, rectangles, text, lines and paths, written with <see cref="XmlWriter"/> (which escapes every
/// label, so any label text gives well-formed XML) and numbers in the invariant culture.
/// </summary>
internal static class SvgElements
{
    /// <summary>The SVG namespace.</summary>
    public const string Namespace = "http://www.w3.org/2000/svg";

    /// <summary>The text colour.</summary>
    public const string Ink = "#222222";

    /// <summary>Opens an XML writer for an SVG document on <paramref name="writer"/>.</summary>
    /// <param name="writer">Where the document goes; left open.</param>
    /// <returns>The XML writer, to dispose after <see cref="EndDocument"/>.</returns>
    public static XmlWriter Create(TextWriter writer) =>
        XmlWriter.Create(writer, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = false, CloseOutput = false });

    /// <summary>Starts the document element: its size, a sans-serif font, the ink colour and a white background.</summary>
    /// <param name="xml">The writer.</param>
    /// <param name="width">The width in pixels.</param>
    /// <param name="height">The height in pixels.</param>
    /// <param name="fontSize">The font size in pixels.</param>
    public static void StartDocument(XmlWriter xml, double width, double height, int fontSize)
    {
        xml.WriteStartElement("svg", Namespace);
        Attribute(xml, "width", width);
        Attribute(xml, "height", height);
        xml.WriteAttributeString("viewBox", Invariant($"0 0 {width:0.#} {height:0.#}"));
        xml.WriteAttributeString("font-family", "DejaVu Sans, Arial, Helvetica, sans-serif");
        Attribute(xml, "font-size", fontSize);
        xml.WriteAttributeString("fill", Ink);
        Rect(xml, 0, 0, width, height, "#ffffff", stroke: null);
    }

    /// <summary>Ends the document element.</summary>
    /// <param name="xml">The writer.</param>
    public static void EndDocument(XmlWriter xml) => xml.WriteEndElement();

    /// <summary>Writes a rectangle.</summary>
    /// <param name="xml">The writer.</param>
    /// <param name="x">The left edge.</param>
    /// <param name="y">The top edge.</param>
    /// <param name="width">The width.</param>
    /// <param name="height">The height.</param>
    /// <param name="fill">The fill colour, or <c>none</c>.</param>
    /// <param name="stroke">The outline colour, or <see langword="null"/> for none.</param>
    /// <param name="opacity">The fill opacity, or <see langword="null"/> for opaque.</param>
    /// <param name="cssClass">A class attribute (what the rectangle stands for, for readers and tests), or <see langword="null"/>.</param>
    public static void Rect(XmlWriter xml, double x, double y, double width, double height, string fill, string? stroke, double? opacity = null, string? cssClass = null)
    {
        xml.WriteStartElement("rect");
        if (cssClass is not null)
        {
            xml.WriteAttributeString("class", cssClass);
        }

        Attribute(xml, "x", x);
        Attribute(xml, "y", y);
        Attribute(xml, "width", width);
        Attribute(xml, "height", height);
        xml.WriteAttributeString("fill", fill);
        if (opacity is { } o)
        {
            xml.WriteAttributeString("fill-opacity", o.ToString("0.###", CultureInfo.InvariantCulture));
        }

        if (stroke is not null)
        {
            xml.WriteAttributeString("stroke", stroke);
        }

        xml.WriteEndElement();
    }

    /// <summary>Writes a straight line.</summary>
    /// <param name="xml">The writer.</param>
    /// <param name="x1">The start's x.</param>
    /// <param name="y1">The start's y.</param>
    /// <param name="x2">The end's x.</param>
    /// <param name="y2">The end's y.</param>
    /// <param name="stroke">The colour.</param>
    /// <param name="dashed">Whether the line is dashed (grid lines).</param>
    /// <param name="strokeWidth">The line width, or <see langword="null"/> for 1.</param>
    public static void Line(XmlWriter xml, double x1, double y1, double x2, double y2, string stroke, bool dashed = false, double? strokeWidth = null)
    {
        xml.WriteStartElement("line");
        Attribute(xml, "x1", x1);
        Attribute(xml, "y1", y1);
        Attribute(xml, "x2", x2);
        Attribute(xml, "y2", y2);
        xml.WriteAttributeString("stroke", stroke);
        if (strokeWidth is { } w)
        {
            xml.WriteAttributeString("stroke-width", w.ToString("0.##", CultureInfo.InvariantCulture));
        }

        if (dashed)
        {
            xml.WriteAttributeString("stroke-dasharray", "3 3");
        }

        xml.WriteEndElement();
    }

    /// <summary>Writes open polylines as one unfilled path (<c>M x,y L x,y ... M x,y L ...</c>): one subpath per segment,
    /// so a series can have gaps.</summary>
    /// <param name="xml">The writer.</param>
    /// <param name="segments">The segments, each a list of points.</param>
    /// <param name="stroke">The colour.</param>
    /// <param name="strokeWidth">The line width.</param>
    /// <param name="cssClass">A class attribute, or <see langword="null"/>.</param>
    /// <param name="title">A tooltip (an SVG <c>title</c> child), or <see langword="null"/>.</param>
    public static void Polyline(
        XmlWriter xml, IEnumerable<IReadOnlyList<(double X, double Y)>> segments, string stroke, double strokeWidth, string? cssClass = null, string? title = null)
    {
        var data = new System.Text.StringBuilder();
        foreach (IReadOnlyList<(double X, double Y)> points in segments)
        {
            for (int i = 0; i < points.Count; i++)
            {
                data.Append(CultureInfo.InvariantCulture, $"{(data.Length == 0 ? string.Empty : " ")}{(i == 0 ? "M" : "L")}{points[i].X:0.##},{points[i].Y:0.##}");
            }
        }

        xml.WriteStartElement("path");
        if (cssClass is not null)
        {
            xml.WriteAttributeString("class", cssClass);
        }

        xml.WriteAttributeString("d", data.ToString());
        xml.WriteAttributeString("fill", "none");
        xml.WriteAttributeString("stroke", stroke);
        xml.WriteAttributeString("stroke-width", strokeWidth.ToString("0.##", CultureInfo.InvariantCulture));
        xml.WriteAttributeString("stroke-linejoin", "round");
        xml.WriteAttributeString("stroke-linecap", "round");
        if (title is not null)
        {
            xml.WriteElementString("title", title);
        }

        xml.WriteEndElement();
    }

    /// <summary>Writes a text element.</summary>
    /// <param name="xml">The writer.</param>
    /// <param name="x">The anchor's x.</param>
    /// <param name="y">The baseline's y.</param>
    /// <param name="text">The text (escaped by the writer).</param>
    /// <param name="anchor"><c>start</c>, <c>middle</c> or <c>end</c>.</param>
    /// <param name="bold">Bold.</param>
    /// <param name="italic">Italic.</param>
    /// <param name="fill">The colour, or <see langword="null"/> for the document's ink.</param>
    /// <param name="transform">A transform (a rotation), or <see langword="null"/>.</param>
    public static void Text(
        XmlWriter xml, double x, double y, string text, string anchor, bool bold = false, bool italic = false, string? fill = null, string? transform = null)
    {
        xml.WriteStartElement("text");
        Attribute(xml, "x", x);
        Attribute(xml, "y", y);
        xml.WriteAttributeString("text-anchor", anchor);
        if (bold)
        {
            xml.WriteAttributeString("font-weight", "bold");
        }

        if (italic)
        {
            xml.WriteAttributeString("font-style", "italic");
        }

        if (fill is not null)
        {
            xml.WriteAttributeString("fill", fill);
        }

        if (transform is not null)
        {
            xml.WriteAttributeString("transform", transform);
        }

        xml.WriteString(text);
        xml.WriteEndElement();
    }

    /// <summary>Writes a numeric attribute with at most one decimal.</summary>
    /// <param name="xml">The writer.</param>
    /// <param name="name">The attribute.</param>
    /// <param name="value">The value.</param>
    public static void Attribute(XmlWriter xml, string name, double value) => xml.WriteAttributeString(name, value.ToString("0.#", CultureInfo.InvariantCulture));

    /// <summary>Formats in the invariant culture.</summary>
    /// <param name="text">The interpolated text.</param>
    /// <returns>The text.</returns>
    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
