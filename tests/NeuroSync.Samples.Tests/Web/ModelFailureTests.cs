using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NeuroSync.Samples.Tests.TestUtilities;

namespace NeuroSync.Samples.Tests.Web;

public sealed class ModelFailureTests
{
    [Fact]
    public async Task ModelFailure_Gets500WithAGenericMessage_AndTheDetailsAreLogged()
    {
        const string Secret = "/srv/models/fusion.onnx: tensor 'logits' shape mismatch";
        var host = new WebAppHost(
            [$"--NeuroSync:ModelPath={Assets.TinyModels}"],
            builder => builder.Services.AddSingleton<IFusionEngine>(new FailingFusionEngine(Secret)));
        await host.InitializeAsync();
        try
        {
            using HttpClient client = host.CreateClient();
            using MultipartFormDataContent form = PredictApiTests.Form(File.ReadAllBytes(Assets.SpeechWav), File.ReadAllBytes(Assets.FacePng));

            using HttpResponseMessage response = await client.PostAsync("/api/predict", form);

            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            string body = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("fusion.onnx", body, StringComparison.Ordinal);
            Problem error = await Problem.ReadAsync(response);
            Assert.Null(error.Field);
            Assert.Contains("server's log", error.Detail, StringComparison.Ordinal);
            Assert.Contains(host.Logs.Entries, e => e.Level == LogLevel.Error && e.Exception?.Message == Secret);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private sealed class FailingFusionEngine(string message) : IFusionEngine
    {
        public EmotionLabelSet Labels => EmotionLabelSet.Default;

        public ValueTask<float[]> FuseAsync(FeatureMatrix audio, FeatureMatrix video, ModalityMask mask, CancellationToken cancellationToken = default) =>
            throw new NeuroSyncException(message);

        public void Dispose()
        {
        }
    }
}
