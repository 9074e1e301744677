// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "backprop",
    products: [
        .executable(name: "backprop", targets: ["backprop"]),
        .library(name: "BackpropCore", targets: ["BackpropCore"]),
        .library(name: "BackpropData", targets: ["BackpropData"]),
        .library(name: "ExperimentRunner", targets: ["ExperimentRunner"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // OpenBLAS through its C interface. `make deps` installs libopenblas-dev.
        .systemLibrary(
            name: "CBLAS",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // zlib, for datasets stored gzip-compressed (IDX, CSV). `make deps` installs zlib1g-dev.
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // SIMD8 code Swift compiles lane by lane: square roots, ReLU's backward mask (a header only; see vector_math.h).
        .systemLibrary(name: "CVectorMath"),
        // The thread's floating-point control: float32 flushes subnormals to zero (see floating_point.h).
        .systemLibrary(name: "CFloatingPoint"),
        // Linux calls Swift's Glibc module leaves out (syncfs), for durable results.
        .target(name: "CSystemCalls"),
        // The engine: parameters, workspace, layers, activations, losses, optimizers,
        // schedules, the training step. No file I/O, no printing, no clock.
        .target(
            name: "BackpropCore",
            dependencies: [
                "CBLAS",
                "CVectorMath",
                "CFloatingPoint",
                .product(name: "RealModule", package: "swift-numerics"),
            ]
        ),
        // Datasets as the engine takes them: CSV, IDX and gzip readers, Fashion-MNIST, the
        // generators, the validation split and normalisation.
        .target(
            name: "BackpropData",
            dependencies: ["BackpropCore", "CZlib"]
        ),
        // Specs, plans, execution, run folders and reports.
        .target(
            name: "ExperimentRunner",
            dependencies: ["BackpropCore", "BackpropData", "CSystemCalls", .product(name: "Yams", package: "Yams")]
        ),
        // `backprop serve`: the results folder over HTTP, read-only, with live updates.
        .target(
            name: "ResultsServer",
            dependencies: [
                "ExperimentRunner",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "backprop",
            dependencies: [
                "BackpropCore",
                "BackpropData",
                "ExperimentRunner",
                "ResultsServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // make bench only: the matrix products of a Fashion-MNIST epoch alone, through the
        // engine's own gemm calls (the bound section 2 compares an epoch with).
        .executableTarget(name: "gemm-bound", dependencies: ["BackpropCore"], path: "bench/GemmBound"),
        // make bench only: a whole float32 run through Adam's subnormal range, flushed and not (section 9).
        .executableTarget(name: "subnormal-run", dependencies: ["BackpropCore", "BackpropData"], path: "bench/SubnormalRun"),
        // make bench only: the TPE sampler's own time per proposal (against Optuna's in the same run).
        .executableTarget(name: "tpe-cost", dependencies: ["ExperimentRunner"], path: "bench/TPECost"),
        // Helpers shared by the test targets: tolerant comparisons, the reference product.
        .target(name: "TestSupport", dependencies: ["BackpropCore", "CZlib"], path: "Tests/TestSupport"),
        .testTarget(name: "BackpropCoreTests", dependencies: ["BackpropCore", "BackpropData", "TestSupport", .product(name: "RealModule", package: "swift-numerics")]),
        .testTarget(name: "BackpropDataTests", dependencies: ["BackpropData", "BackpropCore", "TestSupport"]),
        .testTarget(name: "ExperimentRunnerTests", dependencies: ["ExperimentRunner", "BackpropData", "BackpropCore", "TestSupport"]),
        .testTarget(name: "ResultsServerTests", dependencies: ["ResultsServer", "ExperimentRunner", "TestSupport"]),
        .testTarget(name: "backpropTests", dependencies: ["backprop", "TestSupport"]),
    ]
)
