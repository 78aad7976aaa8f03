using System.Text;
using Onboarding.Core.QuickStart;
using static Onboarding.Api.Pages.Html;

namespace Onboarding.Api.Pages;

/// <summary>What the buyer typed into the registration form, echoed back when something needs fixing.</summary>
public sealed record RegistrationFormValues(
    string Company,
    string Contact,
    string Email,
    string Phone,
    string KeyChoice,
    string Csr)
{
    public const string KeyChoiceCsr = "csr";
    public const string KeyChoiceGenerate = "generate";

    public static RegistrationFormValues Empty { get; } = new("", "", "", "", KeyChoiceCsr, "");
}

/// <summary>The registration, quick-start and error pages of the Marketplace landing flow.</summary>
internal static class OnboardingPages
{
    public static IResult Registration(
        string productName,
        IReadOnlyList<string> entitledTopics,
        RegistrationFormValues values,
        IReadOnlyDictionary<string, string> errors,
        string antiforgeryFieldName,
        string antiforgeryToken)
    {
        string FieldError(string field) =>
            errors.TryGetValue(field, out var message) ? $"<div class=\"field-error\" id=\"{field}-error\">{E(message)}</div>" : "";

        var errorSummary = errors.Count == 0
            ? ""
            : $"<div class=\"errors\" role=\"alert\"><strong>Please fix the following:</strong><ul>{string.Concat(errors.Values.Select(m => $"<li>{E(m)}</li>"))}</ul></div>";
        var topics = entitledTopics.Count == 0
            ? "<p class=\"hint\">Your entitlement is being confirmed; topics appear on the next page.</p>"
            : $"<p>Your subscription includes: {string.Join(", ", entitledTopics.Select(t => $"<code>{E(t)}</code>"))}</p>";
        var generate = values.KeyChoice == RegistrationFormValues.KeyChoiceGenerate;

        var body = $"""
            <h1>Set up your {E(productName)} access</h1>
            {topics}
            {errorSummary}
            <form method="post" action="register" enctype="multipart/form-data" novalidate>
              <input type="hidden" name="{E(antiforgeryFieldName)}" value="{E(antiforgeryToken)}">
              <label for="company">Company</label>
              <input type="text" id="company" name="company" maxlength="200" autocomplete="organization" value="{E(values.Company)}" required>
              {FieldError("company")}
              <label for="contact">Contact person</label>
              <input type="text" id="contact" name="contactName" maxlength="200" autocomplete="name" value="{E(values.Contact)}" required>
              {FieldError("contactName")}
              <label for="email">Email</label>
              <input type="email" id="email" name="email" maxlength="254" autocomplete="email" value="{E(values.Email)}" required>
              {FieldError("email")}
              <label for="phone">Phone <span class="hint">(optional)</span></label>
              <input type="tel" id="phone" name="phone" maxlength="32" autocomplete="tel" value="{E(values.Phone)}">
              {FieldError("phone")}
              <fieldset>
                <legend>Client key</legend>
                <label><input type="radio" name="keyChoice" value="csr" {(generate ? "" : "checked")}> I have a certificate signing request (recommended: your private key never leaves your machine)</label>
                <label for="csr" class="hint">Paste the PEM (<code>-----BEGIN CERTIFICATE REQUEST-----</code>) or upload the file. RSA 2048+ or EC P-256/P-384.
                  <br>For example: <code>openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout client.key -out client.csr -subj "/CN=feed-client"</code></label>
                <textarea id="csr" name="csr" spellcheck="false">{E(values.Csr)}</textarea>
                <input type="file" id="csrFile" name="csrFile" accept=".csr,.pem,.req,.txt">
                {FieldError("csr")}
                <label><input type="radio" id="generate" name="keyChoice" value="generate" {(generate ? "checked" : "")}> Generate a key for me (you download it once, together with the certificate)</label>
                {FieldError("keyChoice")}
              </fieldset>
              <button type="submit" id="register">Create my credentials</button>
            </form>
            """;
        return Page($"Set up {productName}", body, errors.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    public static IResult QuickStart(string productName, QuickStartInput input, bool privateKeyStillDownloadable)
    {
        var brokers = new StringBuilder();
        foreach (var (label, list) in input.Brokers.Available())
        {
            brokers.Append(BrokerRow(label, list));
        }

        var keyNote = input.IncludesPrivateKey
            ? privateKeyStillDownloadable
                ? "<p><strong>Your private key is included in this download once.</strong> Keep the file safe; later downloads contain only the certificate.</p>"
                : "<p>Your private key was already downloaded; this download contains the certificate, chain and settings only.</p>"
            : "<p>Use the private key you created your CSR with; we never had it.</p>";

        var body = $"""
            <h1 class="ok">Your {E(productName)} access is ready</h1>
            <p>Subscriber id (certificate common name): <code id="subscriber-id">{E(input.SubscriberId)}</code></p>
            <h2>Credentials</h2>
            {keyNote}
            <a class="button" id="download" href="credentials/download">Download credentials (.zip)</a>
            <h2>Bootstrap brokers</h2>
            <table>{brokers}</table>
            <h2>Topics</h2>
            <ul id="topics">{string.Concat(input.Topics.Select(t => $"<li><code>{E(t)}</code></li>"))}</ul>
            <h2>Consumer groups</h2>
            <p>Group ids must start with <code id="group-prefix">{E(input.GroupPrefix)}</code>; for example <code>{E(QuickStartKit.ConsumerGroup(input))}</code>.</p>
            <h2>Java (<code>{QuickStartKit.JavaPropertiesFile}</code>)</h2>
            <pre>{E(QuickStartKit.KeystoreCommand)}</pre>
            <pre id="java-properties">{E(QuickStartKit.JavaClientProperties(input))}</pre>
            <h2>librdkafka / confluent-kafka (<code>{QuickStartKit.LibrdkafkaFile}</code>)</h2>
            <pre id="librdkafka-config">{E(QuickStartKit.LibrdkafkaConfig(input))}</pre>
            <h2>Try it</h2>
            <pre>{E(QuickStartKit.KcatCommand(input))}</pre>
            <pre>{E(QuickStartKit.PythonConsumer(input))}</pre>
            """;
        return Page($"{productName} quick start", body);

        static string BrokerRow(string label, string list) => $"<tr><th>{E(label)}</th><td><code>{E(list)}</code></td></tr>";
    }

    /// <summary>Onboarding stopped midway or is still running: what happened, and a button that continues where it stopped.</summary>
    public static IResult Retry(string title, string message, string antiforgeryFieldName, string antiforgeryToken, int statusCode) =>
        Page(title, $"""
            <h1>{E(title)}</h1>
            <div class="{(statusCode >= 500 ? "errors" : "hint")}" role="status" id="status">{E(message)}</div>
            <form method="post" action="register/continue">
              <input type="hidden" name="{E(antiforgeryFieldName)}" value="{E(antiforgeryToken)}">
              <button type="submit" id="continue">Try again</button>
            </form>
            <p class="hint">Trying again is always safe: finished steps are not repeated and no second certificate is issued.</p>
            """, statusCode);

    /// <summary>A failure the buyer can act on: what happened and what to do next, never internals.</summary>
    public static IResult Problem(string title, string message, string nextStep, int statusCode) =>
        Page(title, $"""
            <h1>{E(title)}</h1>
            <div class="errors" role="alert">{E(message)}</div>
            <p>{E(nextStep)}</p>
            """, statusCode);
}
