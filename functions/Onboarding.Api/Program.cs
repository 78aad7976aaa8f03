using Onboarding.Api.Apis;
using Onboarding.Api.Onboarding;
using Onboarding.Lambda.Hosting;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddAWSLambdaHosting(LambdaEventSource.HttpApi);
builder.AddApiDefaults();
builder.AddOnboarding();
builder.AddFinance();

var app = builder.Build();
app.MapHealthApi();
app.MapOnboardingApi();
app.MapFinanceApi();
app.Run();

public partial class Program;
