/**
 * cairn's engine: jobs of any kind run as checkpointed assets, with the guarantees of DESIGN §2,
 * and nothing of geometry, CRSs, JDBC drivers or the command line (ArchitectureTest holds that).
 *
 * <h2>Where each guarantee lives, and the test that proves it</h2>
 * <pre>
 *  §2  guarantee                  class                                  test (a real process is killed where it says kill)
 *  1   Resume                     {@link dev.cairn.engine.Runner}, {@link dev.cairn.engine.CheckpointStore#plan}
 *                                                                        CrashIT.killedRepeatedlyAtRandomMomentsThenResumedEqualsUninterruptedRun (kill -9 of the CLI),
 *                                                                        EngineAsLibraryKillTest (kill -9 of a library job)
 *  2   Bounded rework             {@link dev.cairn.engine.CheckpointStore} (one transition per asset),
 *                                 {@link dev.cairn.engine.StagedSqliteOutput} (one marker per chunk)
 *                                                                        ChunkedCrashIT.killLoopInsideOneChunkedLayerLosesAndDuplicatesNothing,
 *                                                                        EngineAsLibraryKillTest.killedLibraryJobResumesToTheSameOutputWithBoundedRework
 *  3   No partial outputs         {@link dev.cairn.engine.AtomicFiles}   AtomicFilesTest.commitReplacesTheOutputAndLeavesNoTempFile, CrashIT (no temp file
 *                                                                        under a final name after any kill)
 *  4   Exactly-once into SQLite   {@link dev.cairn.engine.StagedSqliteOutput}, {@link dev.cairn.engine.PublishedMarkers}
 *                                                                        StagedSqliteOutputTest, GpkgChunkConverterTest, ChunkedExportIT (kill loops)
 *  5   Isolation and retries      {@link dev.cairn.engine.FailureClassifier}, {@link dev.cairn.engine.RetrySettings}
 *                                                                        RunnerOnSqliteTest.oneBadAssetDoesNotStopTheBatch (and its retry cases),
 *                                                                        BadInputIT.eachBadFileIsOneDeadLetterWithItsClassAndGoodFilesAreConverted
 *  6   Graceful stop              {@link dev.cairn.engine.Runner#requestStop}
 *                                                                        RunnerOnSqliteTest.gracefulStopRollsBackInFlightAssetsToPending,
 *                                                                        ExitCodesIT.oneWhenInterruptedBySigterm
 *  7   No silent staleness        {@link dev.cairn.engine.CheckpointStore#plan} (input fingerprint),
 *                                 {@link dev.cairn.engine.LeaseKeeper} (dead workers' claims)
 *                                                                        CheckpointStoreContract.aChangedInputSizeMtimeOrOutputIsReplannedAsPendingWithCountersReset,
 *                                                                        CheckpointStoreContract.anExpiredLeaseIsClaimableAgainWithTheNextAttempt,
 *                                                                        RunnerOnSqliteTest.claimsOfAProcessThatDiedOnThisHostAreRecoveredWithoutWaitingForTheLease
 *  8   Clear errors               {@link dev.cairn.engine.AssetFailure}, {@link dev.cairn.engine.FailureClassifier}
 *                                                                        BadInputIT (one line naming the file, no stack trace)
 *  -   Option drift refused       {@link dev.cairn.engine.OptionDriftException}, {@link dev.cairn.engine.JobSpec#resumeOrStart}
 *                                                                        JobSpecTest.differencesNameTheOptionAndBothValues,
 *                                                                        ExitCodesIT.twoForABadFlagAnUnknownCrsAndOptionDrift
 * </pre>
 *
 * <h2>Plug-ins</h2>
 * A kind of job is a {@link dev.cairn.engine.JobType} (found by ServiceLoader, see
 * {@link dev.cairn.engine.JobTypes}): its spec, plan, processor, output layout and unit of
 * progress. A checkpoint store implements {@link dev.cairn.engine.CheckpointStore} and passes the
 * contract tests (CheckpointStoreContract, CheckpointStoreOutcomeContract).
 *
 * <h2>File names</h2>
 * {@link dev.cairn.engine.AtomicFiles} owns the names of temp files ({@code .NAME.ATTEMPT.cairn-tmp})
 * and staging files ({@code .NAME.KEY.cairn-stage}); nothing else builds or parses them.
 */
package dev.cairn.engine;
