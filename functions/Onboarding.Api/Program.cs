using Onboarding.Api.Apis;
using Onboarding.Api.Onboarding;
using Onboarding.Lambda.Hosting;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddAWSLambdaHosting(LambdaEventSource.HttpApi);
builder.AddApiDefaults();
builder.AddOnboarding();

var app = builder.Build();
app.MapHealthApi();
app.MapOnboardingApi();
app.Run();

public partial class Program;
