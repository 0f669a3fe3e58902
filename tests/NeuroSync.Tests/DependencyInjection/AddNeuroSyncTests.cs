using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NeuroSync.Audio;
using NeuroSync.DependencyInjection;
using NeuroSync.Models;
using NeuroSync.Onnx;
using NeuroSync.Tests.Pipeline;
using NeuroSync.Tests.TestUtilities;
using NeuroSync.Tests.Vision;
using NeuroSync.Vision;

namespace NeuroSync.Tests.DependencyInjection;

public class AddNeuroSyncTests
{
    [Fact]
    public async Task AddNeuroSync_TinyModels_GivesSingletonRecognizerMatchingTheGolden()
    {
        using ServiceProvider provider = Build(s => s.AddNeuroSync(o => o.ModelPath = PipelineCases.TinyModels));
        var recognizer = provider.GetRequiredService<IEmotionRecognizer>();
        PipelineCase golden = PipelineCases.Load().Cases.Single(c => c.Case == "speech_and_face");
        using var clip = EmotionRecognizerParityTests.Clip.Load(golden);

        EmotionPrediction prediction = await recognizer.RecognizeAsync(clip.Input);

        Assert.Same(recognizer, provider.GetRequiredService<IEmotionRecognizer>());
        Assert.Same(provider.GetRequiredService<IAudioEncoder>(), recognizer.GetService(typeof(IAudioEncoder)));
        EmotionRecognizerParityTests.AssertClose(golden.Probabilities, prediction.Scores, golden.Case);
    }

    [Fact]
    public async Task AddNeuroSync_FromConfigurationSection_BindsEverySection()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["NeuroSync:ModelPath"] = PipelineCases.TinyModels,
            ["NeuroSync:OnnxRuntime:IntraOpNumThreads"] = "1",
            ["NeuroSync:OnnxRuntime:ExecutionProvider"] = "Cpu",
            ["NeuroSync:Audio:SilenceRmsThreshold"] = "0.5",
            ["NeuroSync:Video:FrameStride"] = "1",
            ["NeuroSync:ComputeContributions"] = "false",
            ["NeuroSync:ModalityScheduling"] = "Overlapped",
            ["NeuroSync:OnnxRuntime:AllowSpinning"] = "true",
            ["NeuroSync:Mode"] = "Original",
        }).Build();
        using ServiceProvider provider = Build(s => s.AddNeuroSync(configuration.GetSection(NeuroSyncOptions.SectionName)));

        NeuroSyncOptions options = provider.GetRequiredService<IOptions<NeuroSyncOptions>>().Value;
        EmotionPrediction prediction = await provider.GetRequiredService<IEmotionRecognizer>()
            .RecognizeAsync(new EmotionInput { Audio = AudioClip.ReadWav(TestFiles.Path("Audio", "speechlike_9s.wav")) });

        Assert.Equal(1, options.OnnxRuntime.IntraOpNumThreads);
        Assert.True(options.OnnxRuntime.AllowSpinning);
        Assert.Equal(ModalityScheduling.Overlapped, options.ModalityScheduling);
        Assert.Equal(RecognitionMode.Original, options.Mode);
        Assert.Equal(AudioStatus.Silent, prediction.Mask.Audio); // rms 0.129 is below the 0.5 override, which only the original's RMS gate obeys
        Assert.Null(prediction.Contributions);
        Assert.Equal(1 * 3 * 224 * 224, provider.GetRequiredService<VideoPreprocessor>().TensorLength(1));
    }

    [Fact]
    public void Start_MissingModelPath_FailsNamingTheSetting()
    {
        using ServiceProvider provider = Build(s => s.AddNeuroSync(_ => { }));
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("NeuroSync:ModelPath", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Audio")]
    [InlineData("Video")]
    [InlineData("OnnxRuntime")]
    public void Start_SettingsObjectSetToNull_FailsNamingIt(string key)
    {
        using ServiceProvider provider = Build(s => s.AddNeuroSync(o =>
        {
            o.ModelPath = PipelineCases.TinyModels;
            switch (key)
            {
                case "Audio": o.Audio = null!; break;
                case "Video": o.Video = null!; break;
                default: o.OnnxRuntime = null!; break;
            }
        }));

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains($"NeuroSync:{key}: expected the settings object", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddNeuroSyncTwice_KeepsOneRecognizer_WithTheDecoratorsOfBothCalls()
    {
        using ServiceProvider provider = Build(s => s.AddLogging()
            .AddNeuroSync(o => o.ModelPath = PipelineCases.TinyModels).Services
            .AddNeuroSync(o => o.ComputeContributions = false).UseLogging());

        var recognizer = provider.GetRequiredService<IEmotionRecognizer>();

        Assert.IsType<LoggingEmotionRecognizer>(recognizer);
        Assert.Single(provider.GetServices<IEmotionRecognizer>());
    }

    [Fact]
    public void Start_ModelPathWithoutManifest_FailsNamingTheSettingAndTheFolder()
    {
        DirectoryInfo empty = Directory.CreateTempSubdirectory("neurosync-empty-");
        using ServiceProvider provider = Build(s => s.AddNeuroSync(o => o.ModelPath = empty.FullName));
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        empty.Delete();
        Assert.Contains("NeuroSync:ModelPath", ex.Message, StringComparison.Ordinal);
        Assert.Contains("neurosync.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_NegativeSilenceThreshold_FailsNamingTheSetting()
    {
        using ServiceProvider provider = Build(s => s.AddNeuroSync(o =>
        {
            o.ModelPath = PipelineCases.TinyModels;
            o.Audio.SilenceRmsThreshold = -0.1f;
        }));
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("NeuroSync:Audio:SilenceRmsThreshold", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_UnknownExecutionProviderInConfiguration_FailsNamingTheSetting()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ModelPath"] = PipelineCases.TinyModels,
            ["OnnxRuntime:ExecutionProvider"] = "Tpu",
        }).Build();
        using ServiceProvider provider = Build(s => s.AddNeuroSync(configuration));

        var ex = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("ExecutionProvider", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_UnknownModalityScheduling_FailsNamingTheSetting()
    {
        using ServiceProvider provider = Build(s => s.AddNeuroSync(o =>
        {
            o.ModelPath = PipelineCases.TinyModels;
            o.ModalityScheduling = (ModalityScheduling)42;
        }));
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("NeuroSync:ModalityScheduling", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_UnknownExecutionProviderInCode_FailsNamingTheSetting()
    {
        using ServiceProvider provider = Build(s => s.AddNeuroSync(o =>
        {
            o.ModelPath = PipelineCases.TinyModels;
            o.OnnxRuntime.ExecutionProvider = (OnnxExecutionProvider)42;
        }));
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("NeuroSync:OnnxRuntime:ExecutionProvider", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CustomFaceDetector_RegisteredBeforeOrAfter_IsTheOneTheRecognizerUses(bool before)
    {
        var detector = new TestFaceDetector { DetectFacesCallback = _ => [new FaceBox(10, 20, 30, 40)] };
        using ServiceProvider provider = Build(s =>
        {
            if (before)
            {
                s.AddSingleton<IFaceDetector>(detector);
            }

            // The test detector's fixed box lands on a flat patch of the frame, which robust mode would call covered.
            s.AddNeuroSync(o => (o.ModelPath, o.Mode) = (PipelineCases.TinyModels, RecognitionMode.Original));
            if (!before)
            {
                s.AddSingleton<IFaceDetector>(detector);
            }
        });
        using var frame = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(TestFiles.Path("Images", "no_face_cat_640x480.png"));

        EmotionPrediction prediction = await provider.GetRequiredService<IEmotionRecognizer>()
            .RecognizeAsync(new EmotionInput { Frames = Enumerable.Repeat(new VideoFrame(frame), 10).ToList() });

        Assert.Equal(1, detector.Calls);
        Assert.Equal(new FaceBox(10, 20, 30, 40), Assert.Single(prediction.Frames).Face);
        Assert.Equal(VideoStatus.Available, prediction.Mask.Video);
    }

    [Fact]
    public void Builder_UseFaceDetector_ReplacesTheDefault()
    {
        var detector = new TestFaceDetector();
        using ServiceProvider provider = Build(s => s.AddNeuroSync(o => o.ModelPath = PipelineCases.TinyModels).UseFaceDetector(_ => detector));
        Assert.Same(detector, provider.GetRequiredService<IFaceDetector>());
    }

    [Fact]
    public async Task Builder_UseVoiceActivityDetector_DecidesTheAudioInRobustMode()
    {
        var detector = new NeverSpeech();
        using ServiceProvider provider = Build(s => s.AddNeuroSync(o => { o.ModelPath = PipelineCases.TinyModels; o.Mode = RecognitionMode.Robust; })
            .UseVoiceActivityDetector(_ => detector));
        var speech = new EmotionInput { Audio = AudioClip.ReadWav(TestFiles.Path("Audio", "speechlike_9s.wav")) };

        EmotionPrediction prediction = await provider.GetRequiredService<IEmotionRecognizer>().RecognizeAsync(speech);

        Assert.Same(detector, provider.GetRequiredService<IVoiceActivityDetector>());
        Assert.Equal(1, detector.Calls);
        Assert.Equal(AudioStatus.NoSpeech, prediction.Mask.Audio);
    }

    [Fact]
    public async Task Builder_Use_FirstIsOutermostAndEveryDecoratorIsASingletonDisposedOnce()
    {
        var calls = new List<string>();
        var made = new List<RecordingDecorator>();
        ServiceProvider provider = Build(s => s.AddNeuroSync(o => { o.ModelPath = PipelineCases.TinyModels; o.Mode = RecognitionMode.Original; })
            .Use(inner => Track(new RecordingDecorator(inner, "outer", calls)))
            .Use((inner, services) => Track(new RecordingDecorator(inner, services.GetRequiredService<ModelSet>().Manifest.Name, calls))));

        var first = provider.GetRequiredService<IEmotionRecognizer>();
        var second = provider.GetRequiredService<IEmotionRecognizer>();
        await first.RecognizeAsync(new EmotionInput { Audio = AudioClip.ReadWav(TestFiles.Path("Audio", "speechlike_9s.wav")) });

        Assert.Same(first, second);
        Assert.Equal(2, made.Count); // one of each, however often the recognizer is resolved
        RecordingDecorator outer = Assert.IsType<RecordingDecorator>(first);
        Assert.Equal("outer", outer.Name);
        Assert.Equal("tiny-test", Assert.IsType<RecordingDecorator>(outer.Inner).Name);
        Assert.IsType<EmotionRecognizer>(((RecordingDecorator)outer.Inner).Inner);
        Assert.Equal(["outer", "tiny-test"], calls);
        Assert.Same(first, first.GetService(typeof(RecordingDecorator)));
        Assert.NotNull(first.GetService(typeof(EmotionRecognizerMetadata))); // answered by the core, through both

        provider.Dispose();

        Assert.All(made, d => Assert.Equal(1, d.Disposals));
        await Assert.ThrowsAnyAsync<ObjectDisposedException>(() => first.RecognizeAsync(new EmotionInput()));

        RecordingDecorator Track(RecordingDecorator decorator)
        {
            made.Add(decorator);
            return decorator;
        }
    }

    [Fact]
    public void Builder_UseReturningNull_FailsNamingTheCall()
    {
        using ServiceProvider provider = Build(s => s.AddNeuroSync(o => o.ModelPath = PipelineCases.TinyModels).Use(inner => inner).Use(_ => null!));

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IEmotionRecognizer>());

        Assert.Contains("Use call 2 of 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Builder_UseLoggingAndUseOpenTelemetry_WrapTheCoreInThatOrder()
    {
        using ServiceProvider provider = Build(s => s.AddLogging().AddNeuroSync(o => o.ModelPath = PipelineCases.TinyModels).UseLogging().UseOpenTelemetry());

        var recognizer = provider.GetRequiredService<IEmotionRecognizer>();

        Assert.IsType<LoggingEmotionRecognizer>(recognizer);
        Assert.NotNull(recognizer.GetService(typeof(OpenTelemetryEmotionRecognizer)));
        Assert.NotNull(recognizer.GetService(typeof(System.Diagnostics.Metrics.Meter)));
        await recognizer.RecognizeAsync(new EmotionInput { Audio = AudioClip.ReadWav(TestFiles.Path("Audio", "speechlike_9s.wav")) });
    }

    [Fact]
    public async Task DisposeContainer_DisposesTheModelsItCreated()
    {
        ServiceProvider provider = Build(s => s.AddNeuroSync(o => o.ModelPath = PipelineCases.TinyModels));
        var recognizer = provider.GetRequiredService<IEmotionRecognizer>();
        var encoder = provider.GetRequiredService<IAudioEncoder>();

        provider.Dispose();

        await Assert.ThrowsAnyAsync<ObjectDisposedException>(() => recognizer.RecognizeAsync(new EmotionInput()));
        await Assert.ThrowsAnyAsync<ObjectDisposedException>(async () => await encoder.EncodeAsync(new float[encoder.InputLength]));
    }

    private static ServiceProvider Build(Action<IServiceCollection> configure)
    {
        var services = new ServiceCollection();
        configure(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private sealed class NeverSpeech : IVoiceActivityDetector
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public int SampleRate => 16_000;

        public VoiceActivity Detect(ReadOnlySpan<float> samples, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            return new VoiceActivity(false, TimeSpan.Zero, 0f);
        }
    }

    private sealed class RecordingDecorator(IEmotionRecognizer inner, string name, List<string> calls) : DelegatingEmotionRecognizer(inner)
    {
        public string Name => name;

        public IEmotionRecognizer Inner => InnerRecognizer;

        public int Disposals { get; private set; }

        public override Task<EmotionPrediction> RecognizeAsync(EmotionInput input, RecognitionOptions? options = null, CancellationToken cancellationToken = default)
        {
            lock (calls)
            {
                calls.Add(name);
            }

            return base.RecognizeAsync(input, options, cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            Disposals++;
            base.Dispose(disposing);
        }
    }
}
