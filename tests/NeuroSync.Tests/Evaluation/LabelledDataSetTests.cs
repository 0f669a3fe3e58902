using NeuroSync.Evaluation;

namespace NeuroSync.Tests.Evaluation;

public class LabelledDataSetTests
{
    private static readonly string BaseDirectory = Path.Combine(Path.GetTempPath(), "data-set");

    [Fact]
    public void Read_ColumnsInAnyOrderWithExtras_TakesFileAndLabelAndResolvesPathsAgainstTheBase()
    {
        LabelledDataSet set = Read("id,Label , FILE,speaker\n1,happy,images/a.png,x\n2,sad,/abs/b.png,y\n");

        Assert.Equal("labels.csv", set.Name);
        Assert.Equal(
            [
                new LabelledItem("images/a.png", Path.Combine(BaseDirectory, "images", "a.png"), "happy", 2),
                new LabelledItem("/abs/b.png", "/abs/b.png", "sad", 3),
            ],
            set.Items);
    }

    [Fact]
    public void Read_QuotedFields_KeepCommasQuotesAndLineBreaks()
    {
        LabelledDataSet set = Read("file,label\r\n\"a, \"\"b\"\".png\",happy\r\n\"two\nlines.png\" ,\"sad\"\r\n\r\nc.png,  neutral  \r\n");

        Assert.Equal(["a, \"b\".png", "two\nlines.png", "c.png"], set.Items.Select(i => i.File));
        Assert.Equal(["happy", "sad", "neutral"], set.Items.Select(i => i.Label));
        Assert.Equal([2, 3, 6], set.Items.Select(i => i.Line)); // the quoted line break moves the next rows down; the blank line is skipped
    }

    [Fact]
    public void Read_QuotedFieldAfterSpaces_KeepsTheCommaInThePath()
    {
        LabelledDataSet set = Read("label, file\nhappy,  \"images/a, b.png\"\n");

        Assert.Equal("images/a, b.png", Assert.Single(set.Items).File);
    }

    [Fact]
    public void Read_FileWithByteOrderMark_ReadsTheHeader()
    {
        string folder = Directory.CreateTempSubdirectory("neurosync-labels-").FullName;
        try
        {
            string csv = Path.Combine(folder, "labels.csv");
            File.WriteAllText(csv, "file,label\nx.wav,angry", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

            LabelledDataSet set = LabelledDataSet.Read(csv);

            Assert.Equal(csv, set.Name);
            Assert.Equal(Path.Combine(folder, "x.wav"), Assert.Single(set.Items).FullPath);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Read_WithoutALabelColumn_ThrowsNamingTheColumnsFound()
    {
        var error = Assert.Throws<InvalidDataSetException>(() => Read("path,emotion\na.png,happy\n"));

        Assert.Equal("labels.csv: expected a header row with 'file' and 'label' columns, found 'path', 'emotion'.", error.Message);
    }

    [Theory]
    [InlineData("", "labels.csv: expected a header row with 'file' and 'label' columns, found an empty file.")]
    [InlineData("file,label\n", "labels.csv: expected at least one row after the header, found none.")]
    [InlineData("file,label,file\na,b,c\n", "labels.csv: expected one 'file' column, found two (columns 1 and 3).")]
    [InlineData("label,x,file\nhappy,1\n", "labels.csv, line 2: expected at least 3 fields (up to the 'file' column), found 2.")]
    [InlineData("file,label\na.png,\n", "labels.csv, line 2 (file 'a.png'): expected a label in the 'label' column, found an empty field.")]
    [InlineData("file,label\n,happy\n", "labels.csv, line 2: expected a path in the 'file' column, found an empty field.")]
    [InlineData("file,label\na.png,happy\n\"b.png,sad\n", "labels.csv, line 3: expected a closing quote, found the end of the file.")]
    [InlineData("file,label\n\"b\"x.png,sad\n", "labels.csv, line 2: expected ',' or the end of the line after a closing quote, found 'x'.")]
    public void Read_MalformedCsv_ThrowsNamingTheLine(string csv, string message)
    {
        var error = Assert.Throws<InvalidDataSetException>(() => Read(csv));

        Assert.Equal(message, error.Message);
        Assert.IsAssignableFrom<NeuroSyncException>(error);
    }

    private static LabelledDataSet Read(string csv)
    {
        using var reader = new StringReader(csv);
        return LabelledDataSet.Read(reader, "labels.csv", BaseDirectory);
    }
}
