namespace SessionCluster.Domain.Tests;

public class SecretRedactorTests
{
    [Theory]
    [InlineData("ANTHROPIC_API_KEY")]
    [InlineData("OPENAI_API_KEY")]
    [InlineData("apikey")]
    [InlineData("GITHUB_TOKEN")]
    [InlineData("ANTHROPIC_AUTH_TOKEN")]
    [InlineData("CLIENT_SECRET")]
    [InlineData("db_password")]
    [InlineData("SMTP_PASSWD")]
    [InlineData("GOOGLE_APPLICATION_CREDENTIALS")]
    [InlineData("HTTP_AUTH")]
    [InlineData("Authorization")]
    public void Names_that_say_secret_are_secret(string name)
    {
        Assert.True(SecretRedactor.IsSecretName(name));
    }

    [Theory]
    [InlineData("PATH")]
    [InlineData("HOME")]
    [InlineData("LANG")]
    [InlineData("ANTHROPIC_BASE_URL")]
    [InlineData("ANTHROPIC_MODEL")]
    [InlineData("PROJECT")]
    [InlineData("")]
    public void Other_names_are_not_secret(string name)
    {
        Assert.False(SecretRedactor.IsSecretName(name));
    }

    /// <summary>
    /// Regression: "AUTH" is matched as a substring, so git's AUTHOR variables count as secrets. Coding agents
    /// commit, so GIT_AUTHOR_NAME / GIT_AUTHOR_EMAIL are ordinary session env: every occurrence of the author's
    /// name or email in stderr / output tails and notifications becomes "***".
    /// </summary>
    [Theory]
    [InlineData("GIT_AUTHOR_NAME")]
    [InlineData("GIT_AUTHOR_EMAIL")]
    [InlineData("GIT_AUTHOR_DATE")]
    public void Git_author_variables_are_not_secret(string name)
    {
        Assert.False(SecretRedactor.IsSecretName(name));
    }

    [Fact]
    public void ForEnvironment_masks_secret_values_and_leaves_the_rest()
    {
        var redactor = SecretRedactor.ForEnvironment(new Dictionary<string, string>
        {
            ["ANTHROPIC_API_KEY"] = "sk-ant-123456",
            ["GITHUB_TOKEN"] = "ghp_abcdef",
            ["PATH"] = "/usr/local/bin",
            ["PROJECT"] = "demo-project",
        });

        var text = "key=sk-ant-123456 token=ghp_abcdef path=/usr/local/bin project=demo-project again sk-ant-123456";

        Assert.Equal(
            "key=*** token=*** path=/usr/local/bin project=demo-project again ***",
            redactor.Redact(text));
    }

    [Fact]
    public void The_longest_secret_is_masked_first_so_a_secret_containing_another_is_masked_whole()
    {
        // Shorter first on purpose: the order given must not matter.
        var redactor = new SecretRedactor(["abcd1234", "abcd1234efgh5678"]);

        Assert.Equal("x *** y *** z", redactor.Redact("x abcd1234efgh5678 y abcd1234 z"));
    }

    [Fact]
    public void Values_shorter_than_four_characters_are_ignored()
    {
        var redactor = new SecretRedactor(["", "a", "ab", "abc", "abcd"]);

        Assert.Equal("a ab abc *** ***e", redactor.Redact("a ab abc abcd abcde"));
    }

    [Fact]
    public void Short_secret_env_values_are_ignored_too()
    {
        var redactor = SecretRedactor.ForEnvironment([new("AUTH_ENABLED", "1"), new("API_KEY", "yes")]);
        Assert.Equal("1 yes", redactor.Redact("1 yes"));
    }

    [Fact]
    public void Duplicate_values_are_fine()
    {
        var redactor = new SecretRedactor(["secret-value", "secret-value"]);
        Assert.Equal("*** and ***", redactor.Redact("secret-value and secret-value"));
    }

    [Fact]
    public void Matching_is_exact_and_case_sensitive()
    {
        var redactor = new SecretRedactor(["Sk-Secret"]);
        Assert.Equal("sk-secret ***", redactor.Redact("sk-secret Sk-Secret"));
    }

    [Fact]
    public void None_changes_nothing()
    {
        Assert.Equal("sk-ant-123456", SecretRedactor.None.Redact("sk-ant-123456"));
        Assert.Equal(string.Empty, SecretRedactor.None.Redact(string.Empty));
    }

    [Fact]
    public void The_mask_is_three_stars()
    {
        Assert.Equal("***", SecretRedactor.Mask);
    }

    [Fact]
    public void A_session_env_hides_its_api_key_but_not_its_project()
    {
        var redactor = SecretRedactor.ForEnvironment(SessionDriver.Env);
        Assert.Equal("*** demo", redactor.Redact("sk-ant-test-secret demo"));
    }

    [Theory]
    [InlineData("pa\"ss-1234")]
    [InlineData("back\\slash-1234")]
    [InlineData("line\nbreak-1234")]
    [InlineData("bell\u0007-1234")]
    public void A_secret_is_masked_also_as_a_json_string_spells_it(string secret)
    {
        var redactor = SecretRedactor.ForEnvironment([new("MY_TOKEN", secret)]);
        // Escaped as JSON.stringify and serde_json do (only what JSON requires), as the agents print their lines.
        var line = System.Text.Json.JsonSerializer.Serialize(
            new { type = "assistant", text = $"the token is {secret}." },
            new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.DoesNotContain(secret, line);

        var redacted = redactor.Redact(line);

        Assert.Equal("""{"type":"assistant","text":"the token is ***."}""", redacted);
        Assert.Equal("the token is ***.", redactor.Redact($"the token is {secret}."));
    }
}
