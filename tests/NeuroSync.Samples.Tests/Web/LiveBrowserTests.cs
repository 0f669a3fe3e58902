using System.Globalization;
using Microsoft.Playwright;
using NeuroSync.Samples.Tests.TestUtilities;
using Xunit.Abstractions;

namespace NeuroSync.Samples.Tests.Web;

/// <summary>
/// The live mode in a real browser: Debian's Chromium, headless, with a fake camera playing the astronaut photo sliding left
/// and right and Chromium's fake microphone (a beep). The test presses "Start live" and reads the page: the face box over
/// the video appears and follows the face, updates arrive every hop and the timeline grows.
/// </summary>
/// <remarks>No assertion is about speed. "At least 3 updates within 5 s" is about the stream's clock: three windows
/// ending in the first 5 s of the stream are judged, however long a loaded machine takes to judge them.</remarks>
[Collection(SerialTests.Name)]
public sealed class LiveBrowserTests(DefaultWebAppHost host, ITestOutputHelper output) : IClassFixture<DefaultWebAppHost>
{
    private const float Patience = 90_000;

    [Fact]
    public async Task LiveMode_FaceBoxFollowsTheFace_UpdatesArriveEveryHop_TimelineGrows()
    {
        string work = Directory.CreateTempSubdirectory("neurosync-live-").FullName;
        try
        {
            // 40 frames at 20 fps: the face slides 100 px left and right every 2 s.
            string camera = Path.Combine(work, "moving-face.y4m");
            Y4m.WriteMoving(Assets.FacePng, camera, frames: 40, framesPerSecond: 20, amplitude: 100);

            using IPlaywright playwright = await Playwright.CreateAsync();
            await using IBrowser browser = await Chromium.LaunchAsync(playwright, camera, microphone: null);
            await using IBrowserContext context = await Chromium.NewContextAsync(browser);
            IPage page = await context.NewPageAsync();
            var console = new List<string>();
            page.Console += (_, message) => console.Add($"{message.Type}: {message.Text}");
            try
            {
                await page.GotoAsync(host.BaseAddress.ToString());
                ILocator start = page.GetByTestId("live-start");
                await Assertions.Expect(start).ToBeEnabledAsync(new LocatorAssertionsToBeEnabledOptions { Timeout = Patience });
                await start.ClickAsync();

                // The face box appears over the video and moves with the face.
                ILocator box = page.GetByTestId("live-face-box");
                await Assertions.Expect(box).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = Patience });
                var lefts = new List<float>();
                var clock = System.Diagnostics.Stopwatch.StartNew();
                while (lefts.Count < 2 || lefts.Max() - lefts.Min() < 20)
                {
                    Assert.True(clock.ElapsedMilliseconds < Patience, $"expected the face box to move by 20 px or more, found positions {string.Join(", ", lefts)}.");
                    if (await box.IsVisibleAsync() && await box.BoundingBoxAsync() is { } b)
                    {
                        lefts.Add(b.X);
                    }

                    await Task.Delay(150);
                }

                output.WriteLine($"Face box left edges seen: {string.Join(", ", lefts.Select(x => x.ToString("F0", CultureInfo.InvariantCulture)))}");
                LocatorBoundingBoxResult video = (await page.Locator("#preview").BoundingBoxAsync())!;
                LocatorBoundingBoxResult face = (await box.BoundingBoxAsync())!;
                Assert.InRange(face.Width, 20, video.Width / 2); // a face, not the frame
                Assert.InRange(face.Y, video.Y, video.Y + video.Height);

                // Updates: at least three for windows ending in the stream's first 5 s, shown as the label and the timeline.
                ILocator timeline = page.GetByTestId("live-timeline");
                await page.WaitForFunctionAsync(
                    "() => Number(document.querySelector('[data-testid=live-timeline]').dataset.updates) >= 3",
                    null,
                    new PageWaitForFunctionOptions { Timeout = Patience, PollingInterval = 100 });
                double[] ends = await WindowEndsAsync(timeline);
                output.WriteLine($"Window ends (ms): {string.Join(' ', ends)}");
                Assert.True(ends.Count(e => e <= 5000) >= 3, $"expected 3 windows ending by 5 s, found ends {string.Join(' ', ends)}.");
                Assert.Equal([1000, 2000, 3000], ends.Take(3));
                string label = (await page.GetByTestId("live-label").TextContentAsync())!;
                Assert.Contains(label, new[] { "angry", "disgust", "fear", "happy", "neutral", "sad", "surprise", "unknown" });
                Assert.Equal(7, await page.Locator("#live-scores li").CountAsync());

                // The timeline grows with the next update.
                int seen = await UpdatesAsync(timeline);
                await page.WaitForFunctionAsync(
                    $"() => Number(document.querySelector('[data-testid=live-timeline]').dataset.updates) > {seen}",
                    null,
                    new PageWaitForFunctionOptions { Timeout = Patience, PollingInterval = 100 });
                Assert.True((await WindowEndsAsync(timeline)).Length > Math.Min(seen, 59));

                string screenshot = Path.Combine(AppContext.BaseDirectory, "TestOutput", "browser-live.png");
                Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
                output.WriteLine($"Screenshot: {screenshot}");

                // Stop: the page sends "end", the server answers with the final update and closes normally.
                await page.GetByTestId("live-stop").ClickAsync();
                await page.WaitForSelectorAsync("#live[data-state=closed]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = Patience });
                Assert.True(await page.Locator("#error").IsHiddenAsync(), await page.Locator("#error").TextContentAsync());
                await Assertions.Expect(start).ToBeEnabledAsync(new LocatorAssertionsToBeEnabledOptions { Timeout = Patience });
                await Assertions.Expect(box).ToBeHiddenAsync();
            }
            finally
            {
                console.ForEach(output.WriteLine);
            }

            // The server's record: a session that received the page's frames and closed with 1000 "end of stream".
            InMemoryLoggerProvider.LogEntry closed = Assert.Single(host.Logs.Entries, e => e.EventId.Id == 21 && e.Category == "NeuroSync.Web.Live.LiveConnection");
            output.WriteLine(closed.Message);
            Assert.Equal(1000, (int)closed.Values["CloseStatus"]!);
            Assert.Equal("end of stream", closed.Values["Reason"]);
            Assert.True((long)closed.Values["Frames"]! >= 10, closed.Message);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<double[]> WindowEndsAsync(ILocator timeline) =>
        [.. ((await timeline.GetAttributeAsync("data-window-ends")) ?? string.Empty)
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => double.Parse(s, CultureInfo.InvariantCulture))];

    private static async Task<int> UpdatesAsync(ILocator timeline) =>
        int.Parse((await timeline.GetAttributeAsync("data-updates"))!, CultureInfo.InvariantCulture);
}
