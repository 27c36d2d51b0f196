#!/usr/bin/env pwsh
# SessionCluster build script (PowerShell 7; `dotnet tool restore` brings pwsh as a local tool).
#   dotnet pwsh ./build.ps1 build   # build everything (Release)
#   dotnet pwsh ./build.ps1 test    # install the agent programs, run every test, print "N passed, N failed"
#   dotnet pwsh ./build.ps1 pack    # sessionctl as a dotnet tool package in artifacts/packages
#   dotnet pwsh ./build.ps1 bench   # the benchmarks in bench/ (medians and ratios)
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'pack', 'bench')]
    [string]$Target = 'build',
    [string]$Configuration = 'Release',
    # Passed on to `dotnet test --filter`.
    [string]$Filter = ''
)

$ErrorActionPreference = 'Stop'
$root = $PSScriptRoot
Set-Location $root

function Invoke-Checked([string]$what, [scriptblock]$command) {
    & $command
    if ($LASTEXITCODE -ne 0) { throw "$what failed with exit code $LASTEXITCODE" }
}

function Install-Agents {
    Invoke-Checked 'installing the agent programs' { bash (Join-Path $root '.ci/install-agents') }
}

function Invoke-Build {
    Invoke-Checked 'dotnet build' { dotnet build SessionCluster.sln -c $Configuration -nologo -v minimal }
}

function Invoke-Test {
    Install-Agents
    Invoke-Build
    $results = Join-Path $root 'artifacts/test-results'
    if (Test-Path $results) { Remove-Item -Recurse -Force $results }
    $testArgs = @('test', 'SessionCluster.sln', '-c', $Configuration, '--no-build', '-nologo',
        '--logger', 'trx', '--logger', 'console;verbosity=normal', '--results-directory', $results)
    if ($Filter) { $testArgs += @('--filter', $Filter) }
    & dotnet @testArgs
    $testExit = $LASTEXITCODE

    # One closing line for the whole suite, summed over every project's TRX file.
    $passed = 0; $failed = 0; $skipped = 0
    foreach ($trx in Get-ChildItem $results -Filter *.trx -Recurse -ErrorAction SilentlyContinue) {
        $counters = ([xml](Get-Content -LiteralPath $trx.FullName)).TestRun.ResultSummary.Counters
        $passed += [int]$counters.passed
        $failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        $skipped += [int]$counters.notExecuted
    }
    $line = "$passed passed, $failed failed"
    if ($skipped -gt 0) { $line += ", $skipped skipped" }
    Write-Host $line
    if ($testExit -ne 0 -or $failed -gt 0 -or $passed -eq 0) { exit 1 }
}

function Invoke-Pack {
    Invoke-Checked 'dotnet pack' {
        dotnet pack src/SessionCluster.Cli -c $Configuration -o (Join-Path $root 'artifacts/packages') -nologo
    }
}

function Invoke-Bench {
    Install-Agents
    Invoke-Checked 'benchmarks' { dotnet run -c Release --project bench/SessionCluster.Benchmarks -- @args }
}

switch ($Target) {
    'build' { Invoke-Build }
    'test' { Invoke-Test }
    'pack' { Invoke-Pack }
    'bench' { Invoke-Bench }
}
