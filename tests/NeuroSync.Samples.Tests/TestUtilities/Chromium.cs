using Microsoft.Playwright;

namespace NeuroSync.Samples.Tests.TestUtilities;

/// <summary>Debian's Chromium, headless, with a fake camera and microphone: what the browser tests drive.</summary>
internal static class Chromium
{
    /// <summary>Where Debian's <c>chromium</c> package puts the browser (<c>.ci/run</c> installs it when missing).</summary>
    public const string Path = "/usr/bin/chromium";

    /// <summary>Starts the browser.</summary>
    /// <param name="playwright">Playwright.</param>
    /// <param name="camera">A <c>.y4m</c> or <c>.mjpeg</c> file the fake camera plays in a loop.</param>
    /// <param name="microphone">A WAV file the fake microphone plays, or <see langword="null"/> for Chromium's beep.</param>
    /// <returns>The browser.</returns>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright, string camera, string? microphone)
    {
        Assert.True(File.Exists(Path), $"expected Chromium at {Path}, found none. Install it with 'apt-get install -y chromium chromium-driver' (.ci/run does).");
        List<string> args =
        [
            "--no-sandbox",
            "--disable-gpu",
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            $"--use-file-for-fake-video-capture={camera}",
            "--autoplay-policy=no-user-gesture-required",

            // The machine has no outside network: keep Chromium from trying.
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ];
        if (microphone is not null)
        {
            args.Add($"--use-file-for-fake-audio-capture={microphone}");
        }

        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Path, Headless = true, Args = args });
    }

    /// <summary>A browser context with the camera and microphone allowed.</summary>
    /// <param name="browser">The browser.</param>
    /// <returns>The context, which the caller disposes.</returns>
    public static Task<IBrowserContext> NewContextAsync(IBrowser browser) => browser.NewContextAsync(new BrowserNewContextOptions
    {
        Permissions = ["camera", "microphone"],
        ViewportSize = new ViewportSize { Width = 1100, Height = 800 },
    });
}
