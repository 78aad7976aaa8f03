using Onboarding.Api.Apis;
using Onboarding.Api.Onboarding;

var builder = WebApplication.CreateSlimBuilder(args);
builder.AddApiDefaults();
builder.AddOnboarding();

var app = builder.Build();
app.MapHealthApi();
app.MapOnboardingApi();
app.Run();

public partial class Program;
