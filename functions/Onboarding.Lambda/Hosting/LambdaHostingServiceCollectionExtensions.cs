using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Onboarding.Lambda.Hosting;
using Onboarding.Lambda.Runtime;

// The official package puts this extension in the same namespace, so the call site stays the same.
namespace Microsoft.Extensions.DependencyInjection;

public static class LambdaHostingServiceCollectionExtensions
{
    /// <summary>
    /// Inside Lambda (<c>AWS_LAMBDA_RUNTIME_API</c> set) serves the app from API Gateway events instead
    /// of Kestrel; elsewhere does nothing. Stands in for Amazon.Lambda.AspNetCoreServer.Hosting's method
    /// of the same name.
    /// </summary>
    public static IServiceCollection AddAWSLambdaHosting(this IServiceCollection services, LambdaEventSource eventSource)
    {
        var runtimeApi = Environment.GetEnvironmentVariable(LambdaEnvironment.RuntimeApi);
        return string.IsNullOrEmpty(runtimeApi)
            ? services
            : services.AddAWSLambdaHosting(eventSource, options => options.RuntimeApi = runtimeApi);
    }

    /// <summary>Always serves from the given Runtime API (tests, emulators).</summary>
    public static IServiceCollection AddAWSLambdaHosting(
        this IServiceCollection services,
        LambdaEventSource eventSource,
        Action<LambdaServerOptions> configure)
    {
        if (eventSource != LambdaEventSource.HttpApi)
        {
            throw new NotSupportedException(
                $"Lambda hosting supports API Gateway HTTP API (payload 2.0) only, not {eventSource}; configure the API as an HTTP API.");
        }

        services.Configure(configure);
        // Replaces Kestrel: the host resolves the last IServer registered.
        services.RemoveAll<IServer>();
        services.AddSingleton<IServer, LambdaServer>();
        return services;
    }
}
