using Marketplace.Simulator;
using Marketplace.Simulator.Apis;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders().AddJsonConsole();
builder.Services.AddMarketplaceSimulator();
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, AdminJsonContext.Default));

var app = builder.Build();
// Load and check the catalogue now, so a broken file stops the simulator at start, not at the first call.
app.Services.GetRequiredService<Marketplace.Simulator.Metering.MarketplaceState>();
app.MapMarketplaceApi();
app.MapAdminApi();
app.MapSubscribePage();
app.Run();
