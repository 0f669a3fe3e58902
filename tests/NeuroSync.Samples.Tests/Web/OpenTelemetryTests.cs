using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using NeuroSync.Samples.Tests.TestUtilities;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace NeuroSync.Samples.Tests.Web;

/// <summary>The web sample's OpenTelemetry switch. In the serial collection: the meters are listened to process-wide, so
/// that the metrics seen are this host's, no other test sends requests meanwhile.</summary>
[Collection(SerialTests.Name)]
public sealed class OpenTelemetryTests(WebAppHost host) : IClassFixture<WebAppHost>
{
    [Fact]
    public void ByDefault_NoProviderIsRegistered()
    {
        Assert.Null(host.Services.GetService<MeterProvider>());
        Assert.Null(host.Services.GetService<TracerProvider>());
    }

    [Fact]
    public async Task Enabled_ExportsNeuroSyncsSpanAndMetrics_ForAPrediction()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        var traced = new WebAppHost(
            [$"--NeuroSync:ModelPath={Assets.TinyModels}", "--OpenTelemetry:Enabled=true"],
            builder => builder.Services
                .ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans))
                .ConfigureOpenTelemetryMeterProvider(meters => meters.AddInMemoryExporter(metrics)));
        await traced.InitializeAsync();
        try
        {
            using HttpClient client = traced.CreateClient();
            using MultipartFormDataContent form = PredictApiTests.Form(File.ReadAllBytes(Assets.SpeechWav), File.ReadAllBytes(Assets.FacePng));

            // A trace of our own: ActivitySource and Meter listeners are process-wide, so other hosts' spans land here too.
            var traceId = ActivityTraceId.CreateRandom();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/predict") { Content = form };
            request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

            using HttpResponseMessage response = await client.SendAsync(request);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(traced.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000));
            Assert.True(traced.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000));

            Activity[] ours = [.. spans.Where(s => s.TraceId == traceId)];
            Activity recognize = Assert.Single(ours, s => s.Source.Name == "NeuroSync" && s.OperationName == "neurosync.recognize");
            Assert.Equal("tiny-test", recognize.GetTagItem("neurosync.model_set"));
            Assert.Contains(ours, s => s.Source.Name == "NeuroSync" && s.OperationName == "neurosync.fusion" && s.ParentSpanId == recognize.SpanId);

            // The request's own span (ASP.NET Core's "Microsoft.AspNetCore" source) is the recognition's parent.
            Activity? server = ours.SingleOrDefault(s => s.SpanId == recognize.ParentSpanId);
            Assert.Equal("Microsoft.AspNetCore", server?.Source.Name);

            Assert.Contains(metrics, m => m.MeterName == "NeuroSync" && m.Name == "neurosync.recognition.duration");
            Assert.Contains(metrics, m => m.MeterName == "NeuroSync" && m.Name == "neurosync.predictions");
        }
        finally
        {
            await traced.DisposeAsync();
        }
    }
}
