using NeuroSync.Evaluation;

namespace NeuroSync.Tests.Evaluation;

public class LabelMappingTests
{
    private static readonly string[] Labels = ["angry", "happy", "neutral", "sad"];

    [Fact]
    public void Apply_MapAndDrop_RenamesKeepsTheRestAndLeavesDroppedItemsOut()
    {
        LabelledDataSet set = Read("file,label\na.wav,calm\nb.wav,boredom\nc.wav,Happy\nd.wav,sad\ne.wav,BOREDOM\n");
        LabelMapping mapping = LabelMapping.Parse(["calm=neutral"], ["boredom"]);

        LabelledDataSet mapped = mapping.Apply(set, Labels);

        Assert.Equal(["a.wav", "c.wav", "d.wav"], mapped.Items.Select(i => i.File));
        Assert.Equal(["neutral", "happy", "sad"], mapped.Items.Select(i => i.Label)); // spelled as in the label set
        Assert.Equal([2, 4, 5], mapped.Items.Select(i => i.Line));
        Assert.Equal("labels.csv", mapped.Name);
    }

    [Fact]
    public void TryMap_SaysWhetherALabelIsKeptAndAsWhat()
    {
        var mapping = new LabelMapping([new("Calm", "neutral")], ["boredom"]);

        Assert.True(mapping.TryMap("calm", out string? calm));
        Assert.Equal("neutral", calm);
        Assert.True(mapping.TryMap("sad", out string? sad));
        Assert.Equal("sad", sad);
        Assert.False(mapping.TryMap("Boredom", out _));
        Assert.True(LabelMapping.Identity.TryMap("boredom", out _));
    }

    [Fact]
    public void Apply_LabelOutsideTheSet_ThrowsNamingTheLineFileLabelAndTheAllowedLabels()
    {
        LabelledDataSet set = Read("file,label\na.wav,happy\nb.wav,calm\nc.wav,boredom\nd.wav,surprised\n");

        var error = Assert.Throws<InvalidDataSetException>(() => LabelMapping.Identity.Apply(set, Labels));

        Assert.Equal(
            "labels.csv, line 3 (file 'b.wav'): expected a label in [angry, happy, neutral, sad], found 'calm'; other labels not in the set: boredom, surprised. Map each to one of the set or drop it.",
            error.Message);
    }

    [Fact]
    public void Apply_MappedToALabelOutsideTheSet_SaysWhatItWasMappedFrom()
    {
        LabelledDataSet set = Read("file,label\na.wav,calm\n");

        var error = Assert.Throws<InvalidDataSetException>(() => LabelMapping.Parse(["calm=relaxed"], []).Apply(set, Labels));

        Assert.Contains("found 'relaxed' (mapped from 'calm')", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("calm", "Label mapping 'calm': expected <gold>=<label> (calm=neutral), found no '='.")]
    [InlineData("calm=", "Label mapping 'calm=': expected <gold>=<label> (calm=neutral), found an empty side or a second '='.")]
    [InlineData("a=b=c", "Label mapping 'a=b=c': expected <gold>=<label> (calm=neutral), found an empty side or a second '='.")]
    public void Parse_NotGoldEqualsLabel_ThrowsFormatException(string word, string message)
    {
        var error = Assert.Throws<FormatException>(() => LabelMapping.Parse([word], []));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Create_ConflictingRules_ThrowArgumentException()
    {
        Assert.Throws<ArgumentException>(() => LabelMapping.Parse(["calm=neutral", "CALM=sad"], []));
        Assert.Throws<ArgumentException>(() => LabelMapping.Parse(["calm=neutral"], ["calm"]));
        Assert.Throws<ArgumentException>(() => LabelMapping.Parse([], [" "]));
    }

    private static LabelledDataSet Read(string csv)
    {
        using var reader = new StringReader(csv);
        return LabelledDataSet.Read(reader, "labels.csv", Path.GetTempPath());
    }
}
