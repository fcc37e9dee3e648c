using System.Diagnostics;
using Dsl.Search.Trials;
using Dsl.Studies;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using Xunit.Abstractions;

namespace Dsl.Dashboard.Tests;

/// <summary>
/// The dashboard in Debian's headless chromium through chromedriver: every page loads without console errors, the trial
/// table holds the store's trials, and a trial a concurrent writer finishes appears without a reload. Screenshots of each
/// page go to <c>screenshots/</c> in the test output folder (or DSL_DASHBOARD_SCREENSHOTS). Skipped only where chromium or chromedriver is absent.
/// </summary>
public sealed class BrowserTests(ITestOutputHelper output)
{
    internal const string Chromium = "/usr/bin/chromium";
    internal const string ChromeDriver = "/usr/bin/chromedriver";

    /// <summary>Where screenshots go: DSL_DASHBOARD_SCREENSHOTS when set (for CI to keep them), else screenshots/ in the test output.</summary>
    private static readonly string Screenshots =
        Environment.GetEnvironmentVariable("DSL_DASHBOARD_SCREENSHOTS") is { Length: > 0 } folder ? Path.GetFullPath(folder) : Path.Combine(AppContext.BaseDirectory, "screenshots");

    [BrowserFact]
    public async Task Every_page_loads_without_console_errors_and_the_table_holds_every_trial()
    {
        await using var server = await DashboardServer.WithSqliteStudiesAsync("browser");
        using var driver = StartBrowser();
        var trials = await server.Storage.GetTrialsAsync(TestStudies.Demo);
        var failed = trials.First(t => t.State == TrialState.Failed).Number;
        var pages = new (string Name, string Path)[]
        {
            ("studies", "/"),
            ("study", "/study?s=demo&size=1000"),
            ("trial", "/trial?s=demo&n=0"),
            ("trial-failed", $"/trial?s=demo&n={failed}"),
            ("hostile-study", "/study?s=" + Uri.EscapeDataString(TestStudies.Hostile)),
        };
        foreach (var (name, path) in pages)
        {
            driver.Navigate().GoToUrl(new Uri(server.Running.Url, path));
            WaitFor(driver, d => d.FindElements(By.CssSelector("[data-live-now]")).All(e => !e.Text.Contains("Loading", StringComparison.Ordinal)), $"{name}: sections loaded");
            Screenshot(driver, name);
            var errors = driver.Manage().Logs.GetLog(LogType.Browser).Where(e => e.Level >= LogLevel.Warning).ToList();
            Assert.True(errors.Count == 0, $"{name}: console errors:\n" + string.Join("\n", errors.Select(e => e.Message)));
            // A script from the store never runs: no alert opened.
            Assert.Throws<NoAlertPresentException>(() => driver.SwitchTo().Alert());
        }

        driver.Navigate().GoToUrl(new Uri(server.Running.Url, "/study?s=demo&size=1000"));
        Assert.Equal(trials.Count, driver.FindElements(By.CssSelector("#trial-table tr.trial-row")).Count);
        Assert.Equal(6, driver.FindElements(By.CssSelector(".chart-box")).Count);

        // The console check sees errors: a missing address logs one.
        driver.Navigate().GoToUrl(new Uri(server.Running.Url, "/no-such-page"));
        Assert.Contains(driver.Manage().Logs.GetLog(LogType.Browser), e => e.Level >= LogLevel.Warning);
        driver.Navigate().GoToUrl(new Uri(server.Running.Url, "/study?s=demo&size=1000"));
        WaitFor(driver, d => d.FindElements(By.CssSelector("#chart-history svg circle title")).Count > 0, "history tooltips");
    }

    [BrowserFact]
    public async Task A_trial_finished_by_a_concurrent_writer_appears_without_a_reload()
    {
        await using var server = await DashboardServer.WithSqliteStudiesAsync("live");
        using var driver = StartBrowser();
        driver.Navigate().GoToUrl(new Uri(server.Running.Url, "/study?s=demo&size=1000"));
        var before = driver.FindElements(By.CssSelector("#trial-table tr.trial-row")).Count;
        // Mark the page: a reload would drop the mark, so its survival proves the rows came in live.
        ((IJavaScriptExecutor)driver).ExecuteScript("window.dslMark = 42;");

        await using (var writer = StudyStorage.Sqlite(server.DatabaseFile))
        {
            var number = await TestStudies.AddAsync(writer, TestStudies.Demo, "worker-concurrent", 99);
            await writer.ReportIntermediateValueAsync(TestStudies.Demo, number, 0, 0.5);
            await writer.FinishTrialAsync(TestStudies.Demo, number, TrialResult.Complete(0.001));
        }
        var watch = Stopwatch.StartNew();
        WaitFor(driver, d => d.FindElements(By.CssSelector("#trial-table tr.trial-row")).Count == before + 1, "the new trial's row", TimeSpan.FromSeconds(10));
        output.WriteLine($"the new trial appeared after {watch.ElapsedMilliseconds} ms");
        Assert.Equal(42L, ((IJavaScriptExecutor)driver).ExecuteScript("return window.dslMark;"));
        Screenshot(driver, "study-live");
        var errors = driver.Manage().Logs.GetLog(LogType.Browser).Where(e => e.Level >= LogLevel.Warning).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => e.Message)));
    }

    private static ChromeDriver StartBrowser()
    {
        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriver)!, Path.GetFileName(ChromeDriver));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(30);
        return driver;
    }

    private static void WaitFor(IWebDriver driver, Func<IWebDriver, bool> condition, string what, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < until)
        {
            try
            {
                if (condition(driver)) return;
            }
            catch (StaleElementReferenceException)
            {
                // The live refresh replaced the element while it was read; ask again.
            }
            Thread.Sleep(100);
        }
        Assert.Fail($"timed out waiting for {what}");
    }

    /// <summary>Saves the whole page, not just the window: the window grows to the page's height first.</summary>
    private static void Screenshot(ChromeDriver driver, string name)
    {
        Directory.CreateDirectory(Screenshots);
        var height = Convert.ToInt32(driver.ExecuteScript("return document.documentElement.scrollHeight;"), System.Globalization.CultureInfo.InvariantCulture);
        driver.Manage().Window.Size = new System.Drawing.Size(1400, Math.Clamp(height + 40, 600, 8000));
        driver.GetScreenshot().SaveAsFile(Path.Combine(Screenshots, name + ".png"));
    }
}

/// <summary>A test that needs Debian's chromium and chromedriver; skipped, saying so, where either is absent.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!File.Exists(BrowserTests.Chromium) || !File.Exists(BrowserTests.ChromeDriver))
            Skip = "chromium or chromedriver is not installed (apt-get install chromium chromium-driver; .ci/run installs them)";
    }
}
