using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Onboarding.Lambda.Runtime;

/// <summary>The console functions' logging: structured JSON logs on stdout (one object per line; CloudWatch Logs indexes the fields), level from LOG_LEVEL.</summary>
public static class FunctionLogging
{
    public const string LogLevelVariable = "LOG_LEVEL";

    public static ILoggerFactory Create(string? level) => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(Enum.TryParse<LogLevel>(level, ignoreCase: true, out var parsed) ? parsed : LogLevel.Information)
        .AddJsonConsole(options =>
        {
            options.IncludeScopes = false;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            options.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
        }));
}
