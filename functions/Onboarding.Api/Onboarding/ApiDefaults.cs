namespace Onboarding.Api.Onboarding;

public static class ApiDefaults
{
    public const string LogLevelVariable = "LOG_LEVEL";

    /// <summary>Structured JSON logs on stdout (CloudWatch Logs), level from LOG_LEVEL (default Information).</summary>
    public static IHostApplicationBuilder AddApiDefaults(this IHostApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o => o.UseUtcTimestamp = true);
        if (Enum.TryParse<LogLevel>(builder.Configuration[LogLevelVariable], ignoreCase: true, out var level))
        {
            builder.Logging.SetMinimumLevel(level);
        }

        return builder;
    }

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => TypedResults.Text("ok"));
        return app;
    }
}
