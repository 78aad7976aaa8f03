using Marketplace.Simulator.Catalogue;
using Marketplace.Simulator.Metering;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Marketplace.Simulator;

public static class SimulatorServices
{
    public static IServiceCollection AddMarketplaceSimulator(this IServiceCollection services)
    {
        services.AddOptions<SimulatorOptions>()
            .BindConfiguration(SimulatorOptions.Section)
            .Validate(o => Uri.TryCreate(o.LandingUrl, UriKind.Absolute, out _), "Simulator:LandingUrl must be an absolute URL.")
            .Validate(o => o.TokenLifetime > TimeSpan.Zero, "Simulator:TokenLifetime must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<SimulatorOptions>>().Value;
            var environment = provider.GetRequiredService<IHostEnvironment>();
            return MarketplaceCatalogue.Load(ResolvePath(options.CataloguePath, environment.ContentRootPath));
        });
        services.AddSingleton(provider => new MarketplaceState(
            provider.GetRequiredService<MarketplaceCatalogue>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<IOptions<SimulatorOptions>>().Value));
        return services;
    }

    private static string ResolvePath(string path, string contentRoot)
    {
        if (Path.IsPathRooted(path))
        {
            return path;
        }

        var inContentRoot = Path.Combine(contentRoot, path);
        return File.Exists(inContentRoot) ? inContentRoot : Path.Combine(AppContext.BaseDirectory, path);
    }
}
