using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using NeuroSync.Samples.Tests.TestUtilities;
using NeuroSync.Web;

namespace NeuroSync.Samples.Tests.Web;

public sealed class HealthTests(WebAppHost host) : IClassFixture<WebAppHost>
{
    [Fact]
    public async Task LoadedModelSet_IsHealthy()
    {
        using HttpClient client = host.CreateClient();

        using HttpResponseMessage response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        HealthResponse health = (await response.Content.ReadFromJsonAsync(WebJsonContext.Default.HealthResponse))!;
        Assert.Equal("Healthy", health.Status);
        HealthCheckResponse check = Assert.Single(health.Checks);
        Assert.Equal("model-set", check.Name);
        Assert.Equal("Healthy", check.Status);
        Assert.Contains("'tiny-test' loaded", check.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelSetThatFailedToLoad_IsUnhealthyWithTheReason_AndTheApiAnswers503()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"neurosync-no-models-{Guid.NewGuid():N}");
        var broken = new WebAppHost([$"--NeuroSync:ModelPath={missing}"]);

        // The host starts: the failure is reported, not thrown.
        await broken.InitializeAsync();
        try
        {
            using HttpClient client = broken.CreateClient();

            HealthCheckResponse check = await UnhealthyModelSetCheckAsync(client);

            Assert.Equal("Unhealthy", check.Status);
            Assert.Contains("NeuroSync:ModelPath", check.Description, StringComparison.Ordinal);
            Assert.Contains(missing, check.Description, StringComparison.Ordinal);
            Assert.Contains(broken.Logs.Entries, e => e.Level == LogLevel.Critical && e.Message.Contains("failed to load", StringComparison.Ordinal));

            using MultipartFormDataContent form = PredictApiTests.Form(File.ReadAllBytes(Assets.SpeechWav));
            using HttpResponseMessage predict = await client.PostAsync("/api/predict", form);
            using HttpResponseMessage info = await client.GetAsync("/api/info");
            using HttpResponseMessage page = await client.GetAsync("/");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, predict.StatusCode);
            Assert.Contains("/healthz", (await Problem.ReadAsync(predict)).Detail, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, info.StatusCode);
            await Problem.ReadAsync(info);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }
        finally
        {
            await broken.DisposeAsync();
        }
    }

    [Fact]
    public async Task CorruptModelFile_IsUnhealthyWithTheReason()
    {
        // The manifest is fine (NeuroSync's start-up validation passes); the ONNX file fails when the recognizer is made.
        string folder = Path.Combine(Path.GetTempPath(), $"neurosync-corrupt-models-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            foreach (string file in Directory.GetFiles(Assets.TinyModels))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }

            string onnx = Directory.GetFiles(folder, "*.onnx").Order(StringComparer.Ordinal).First();
            File.WriteAllBytes(onnx, "not an onnx model"u8.ToArray());
            var broken = new WebAppHost([$"--NeuroSync:ModelPath={folder}"]);
            await broken.InitializeAsync();
            try
            {
                using HttpClient client = broken.CreateClient();

                await UnhealthyModelSetCheckAsync(client);
            }
            finally
            {
                await broken.DisposeAsync();
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Reads <c>/healthz</c> of a host whose model set failed: 503, unhealthy, one check that says why.</summary>
    private static async Task<HealthCheckResponse> UnhealthyModelSetCheckAsync(HttpClient client)
    {
        using HttpResponseMessage response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        HealthResponse health = (await response.Content.ReadFromJsonAsync(WebJsonContext.Default.HealthResponse))!;
        Assert.Equal("Unhealthy", health.Status);
        HealthCheckResponse check = Assert.Single(health.Checks);
        Assert.StartsWith("the model set failed to load: ", check.Description, StringComparison.Ordinal);
        return check;
    }
}
