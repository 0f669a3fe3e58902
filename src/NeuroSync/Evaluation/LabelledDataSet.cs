using System.Text;

namespace NeuroSync.Evaluation;

/// <summary>
/// Inputs with the labels people gave them, read from a <c>labels.csv</c>: a header row with a <c>file</c> and a
/// <c>label</c> column (any order, other columns ignored), then one row per input, its path relative to the CSV file.
/// </summary>
/// <remarks>
/// Immutable and thread-safe. The CSV follows RFC 4180: fields in double quotes may hold commas, line breaks and doubled
/// quotes (<c>""</c>); unquoted fields and column names are trimmed; blank lines are skipped; a byte-order mark is ignored.
/// Column names compare case-insensitively. Nothing checks that the files exist: a scorer reports a missing one per item.
/// </remarks>
public sealed class LabelledDataSet
{
    /// <summary>The column that holds each input's path.</summary>
    public const string FileColumn = "file";

    /// <summary>The column that holds each input's gold label.</summary>
    public const string LabelColumn = "label";

    internal LabelledDataSet(string name, IReadOnlyList<LabelledItem> items)
    {
        Name = name;
        Items = items;
    }

    /// <summary>Gets the name the data set was read under (the CSV path as given), used in error messages.</summary>
    public string Name { get; }

    /// <summary>Gets the rows, in file order.</summary>
    public IReadOnlyList<LabelledItem> Items { get; }

    /// <summary>Reads a <c>labels.csv</c> file; the paths in it are relative to its folder.</summary>
    /// <param name="path">The CSV file.</param>
    /// <returns>The data set.</returns>
    /// <exception cref="InvalidDataSetException">The header lacks a column, or a row is malformed or has an empty path or label.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static LabelledDataSet Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? Environment.CurrentDirectory;
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader, path, baseDirectory);
    }

    /// <summary>Reads a <c>labels.csv</c> from a reader.</summary>
    /// <param name="reader">The CSV text; read to its end, not disposed.</param>
    /// <param name="name">What to call the data set in error messages (its file name, say).</param>
    /// <param name="baseDirectory">The folder relative paths in the CSV are resolved against.</param>
    /// <returns>The data set.</returns>
    /// <exception cref="InvalidDataSetException">The header lacks a column, or a row is malformed or has an empty path or label.</exception>
    public static LabelledDataSet Read(TextReader reader, string name, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(baseDirectory);
        string text = reader.ReadToEnd();
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        List<(int Line, List<string> Fields)> records = Parse(text, name);
        if (records.Count == 0)
        {
            throw new InvalidDataSetException($"{name}: expected a header row with '{FileColumn}' and '{LabelColumn}' columns, found an empty file.");
        }

        List<string> header = records[0].Fields;
        int fileColumn = FindColumn(header, FileColumn, name);
        int labelColumn = FindColumn(header, LabelColumn, name);
        if (fileColumn < 0 || labelColumn < 0)
        {
            throw new InvalidDataSetException(
                $"{name}: expected a header row with '{FileColumn}' and '{LabelColumn}' columns, found {string.Join(", ", header.Select(h => $"'{h}'"))}.");
        }

        int needed = Math.Max(fileColumn, labelColumn) + 1;
        var items = new List<LabelledItem>(records.Count - 1);
        foreach ((int line, List<string> fields) in records.Skip(1))
        {
            if (fields.Count < needed)
            {
                throw new InvalidDataSetException($"{name}, line {line}: expected at least {needed} fields (up to the '{(fileColumn > labelColumn ? FileColumn : LabelColumn)}' column), found {fields.Count}.");
            }

            string file = fields[fileColumn];
            string label = fields[labelColumn];
            if (file.Length == 0)
            {
                throw new InvalidDataSetException($"{name}, line {line}: expected a path in the '{FileColumn}' column, found an empty field.");
            }

            if (label.Length == 0)
            {
                throw new InvalidDataSetException($"{name}, line {line} (file '{file}'): expected a label in the '{LabelColumn}' column, found an empty field.");
            }

            string fullPath;
            try
            {
                fullPath = Path.GetFullPath(Path.Combine(baseDirectory, file));
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
            {
                throw new InvalidDataSetException($"{name}, line {line}: expected a file path in the '{FileColumn}' column, found '{file}' ({ex.Message.TrimEnd('.')}).", ex);
            }

            items.Add(new LabelledItem(file, fullPath, label, line));
        }

        if (items.Count == 0)
        {
            throw new InvalidDataSetException($"{name}: expected at least one row after the header, found none.");
        }

        return new LabelledDataSet(name, items);
    }

    private static int FindColumn(List<string> header, string column, string name)
    {
        int found = -1;
        for (int i = 0; i < header.Count; i++)
        {
            if (string.Equals(header[i], column, StringComparison.OrdinalIgnoreCase))
            {
                if (found >= 0)
                {
                    throw new InvalidDataSetException($"{name}: expected one '{column}' column, found two (columns {found + 1} and {i + 1}).");
                }

                found = i;
            }
        }

        return found;
    }

    private static List<(int Line, List<string> Fields)> Parse(string text, string name)
    {
        var records = new List<(int, List<string>)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1;
        int recordLine = 1;
        int i = 0;
        while (true)
        {
            // At the start of a field.
            bool quotedField = false;
            field.Clear();

            // Spaces may come before an opening quote as after a closing one ("happy, \"a, b.png\""); an unquoted field is
            // trimmed anyway.
            int start = i;
            while (start < text.Length && text[start] is ' ' or '\t')
            {
                start++;
            }

            if (start < text.Length && text[start] == '"')
            {
                i = start;
                quotedField = true;
                int openedOn = line;
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new InvalidDataSetException($"{name}, line {openedOn}: expected a closing quote, found the end of the file.");
                    }

                    char c = text[i++];
                    if (c == '"')
                    {
                        if (i < text.Length && text[i] == '"')
                        {
                            field.Append('"');
                            i++;
                            continue;
                        }

                        break;
                    }

                    if (c == '\n')
                    {
                        line++;
                    }

                    field.Append(c);
                }

                // After the closing quote only spaces may come before the separator.
                while (i < text.Length && text[i] is ' ' or '\t')
                {
                    i++;
                }

                if (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                {
                    throw new InvalidDataSetException($"{name}, line {line}: expected ',' or the end of the line after a closing quote, found '{text[i]}'.");
                }
            }
            else
            {
                while (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                {
                    field.Append(text[i++]);
                }
            }

            fields.Add(quotedField ? field.ToString() : field.ToString().Trim());
            if (i < text.Length && text[i] == ',')
            {
                i++;
                continue;
            }

            // The end of a record: a line break or the end of the text. A blank line is one empty unquoted field.
            bool blank = fields.Count == 1 && fields[0].Length == 0 && !quotedField;
            if (!blank)
            {
                records.Add((recordLine, fields));
            }

            fields = [];
            if (i >= text.Length)
            {
                return records;
            }

            i += text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
            line++;
            recordLine = line;
            if (i >= text.Length)
            {
                return records;
            }
        }
    }
}
