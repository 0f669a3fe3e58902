using System.Text.Json;

namespace NeuroSync.Samples.Tests.TestUtilities;

/// <summary>An RFC 9457 problem-details answer, as the web sample writes every error.</summary>
/// <param name="Status">The <c>status</c> member.</param>
/// <param name="Title">The <c>title</c> member.</param>
/// <param name="Type">The <c>type</c> member.</param>
/// <param name="Detail">The <c>detail</c> member.</param>
/// <param name="Field">The <c>field</c> extension member (the form field at fault).</param>
/// <param name="NeuroSyncError">The <c>neuroSyncError</c> extension member (NeuroSync's own message).</param>
internal sealed record Problem(int Status, string Title, string? Type, string? Detail, string? Field, string? NeuroSyncError)
{
    /// <summary>Reads the answer, checking it is <c>application/problem+json</c> whose <c>status</c> is the response's.</summary>
    public static async Task<Problem> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement root = document.RootElement;
        var problem = new Problem(
            root.GetProperty("status").GetInt32(),
            root.GetProperty("title").GetString()!,
            Text(root, "type"),
            Text(root, "detail"),
            Text(root, "field"),
            Text(root, "neuroSyncError"));
        Assert.Equal((int)response.StatusCode, problem.Status);
        Assert.False(string.IsNullOrWhiteSpace(problem.Title));
        return problem;
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
