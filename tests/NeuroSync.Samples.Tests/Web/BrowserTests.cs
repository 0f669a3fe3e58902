using Microsoft.Playwright;
using NeuroSync.Samples.Tests.TestUtilities;
using Xunit.Abstractions;

namespace NeuroSync.Samples.Tests.Web;

/// <summary>
/// The page in a real browser: Debian's Chromium, headless, with a fake camera playing a real face photo and a fake
/// microphone playing speech. The test clicks the button the way a user does and reads the result off the page.
/// </summary>
/// <remarks>Needs /usr/bin/chromium (Debian packages chromium and chromium-driver); <c>.ci/run</c> installs it when missing.</remarks>
[Collection(SerialTests.Name)]
public sealed class BrowserTests(DefaultWebAppHost host, ITestOutputHelper output) : IClassFixture<DefaultWebAppHost>
{
    [Fact]
    public async Task StartAnalysis_RecordsFiveSecondsAndShowsTheResult()
    {
        string work = Directory.CreateTempSubdirectory("neurosync-browser-").FullName;
        try
        {
            string camera = Path.Combine(work, "face.y4m");
            Y4m.WriteStill(Assets.FacePng, camera, frames: 30, framesPerSecond: 30);

            using IPlaywright playwright = await Playwright.CreateAsync();
            await using IBrowser browser = await Chromium.LaunchAsync(playwright, camera, Assets.SpeechWav);
            await using IBrowserContext context = await Chromium.NewContextAsync(browser);
            IPage page = await context.NewPageAsync();
            var console = new List<string>();
            page.Console += (_, message) => console.Add($"{message.Type}: {message.Text}");

            await page.GotoAsync(host.BaseAddress.ToString());
            ILocator start = page.Locator("#start");
            await Assertions.Expect(start).ToBeEnabledAsync(new LocatorAssertionsToBeEnabledOptions { Timeout = 30_000 });
            await start.ClickAsync();
            await page.WaitForSelectorAsync("#result[data-state=done], #result[data-state=error]", new PageWaitForSelectorOptions
            {
                State = WaitForSelectorState.Attached,
                Timeout = 90_000,
            });

            string screenshot = Path.Combine(AppContext.BaseDirectory, "TestOutput", "browser-result.png");
            Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
            output.WriteLine($"Screenshot: {screenshot}");
            console.ForEach(output.WriteLine);

            Assert.Equal("done", await page.Locator("#result").GetAttributeAsync("data-state"));
            // The fake camera shows the smiling astronaut; the lite set's real expression classifier must see it.
            Assert.Equal("happy", await page.Locator("#label").TextContentAsync());
            Assert.Equal(7, await page.Locator("#scores li").CountAsync());
            Assert.Matches(@"^\d+(\.\d)? %$", await page.Locator("#confidence").InnerTextAsync());
            Assert.Matches(@"^audio: \w+, video: [\w ]+$", await page.Locator("#mask").InnerTextAsync());
            int facesOnPage = int.Parse(await page.Locator("#frames").GetAttributeAsync("data-with-face") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(facesOnPage >= 1, $"the page reports {facesOnPage} frames with a face.");

            // The server's own record of the request: it received the page's JPEG frames and found the face in them.
            InMemoryLoggerProvider.LogEntry served = Assert.Single(host.Logs.Entries, e => e.EventId.Id == 1 && e.Category == "NeuroSync.Web.PredictEndpoint");
            Assert.True((int)served.Values["Frames"]! >= 10, served.Message);
            Assert.True((int)served.Values["FramesWithFace"]! >= 1, served.Message);
            Assert.Equal(facesOnPage, (int)served.Values["FramesWithFace"]!);
            Assert.Contains("audio: available", served.Message, StringComparison.Ordinal); // Silero heard the speech
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
