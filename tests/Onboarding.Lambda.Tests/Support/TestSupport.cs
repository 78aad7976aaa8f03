namespace Onboarding.Lambda.Tests.Support;

/// <summary>A clock that always says the same instant, so remaining-time assertions need no sleeping.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

internal static class TestTasks
{
    // Guards against a hung test only; no test asserts how long anything takes.
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(HangGuard);

    public static Task Within(this Task task) => task.WaitAsync(HangGuard);
}

internal static class SampleEvents
{
    public static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "events", name));
}
