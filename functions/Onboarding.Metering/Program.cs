// The Metering function. Its handler is MeteringFunction.HandleAsync (one MeteringJob run per schedule tick).
// Wiring left for the merge, when these exist on main: the Lambda runtime loop of Onboarding.Lambda, the
// Marketplace client of Onboarding.Aws.Marketplace (implements IMarketplaceMeteringClient's one method) and
// the subscriber store (implements IMeteredSubscriptions). Configuration: MeteringSettings.FromEnvironment.
return 0;
