// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "backprop",
    products: [
        .executable(name: "backprop", targets: ["backprop"]),
        .library(name: "BackpropCore", targets: ["BackpropCore"]),
        .library(name: "ExperimentRunner", targets: ["ExperimentRunner"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
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
        .target(
            name: "BackpropCore",
            dependencies: [
                "CBLAS",
                "CZlib",
                .product(name: "RealModule", package: "swift-numerics"),
            ]
        ),
        .target(
            name: "ExperimentRunner",
            dependencies: ["BackpropCore"]
        ),
        .executableTarget(
            name: "backprop",
            dependencies: [
                "BackpropCore",
                "ExperimentRunner",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Helpers shared by the test targets: tolerant comparisons, the reference product.
        .target(name: "TestSupport", dependencies: ["BackpropCore", "CZlib"], path: "Tests/TestSupport"),
        .testTarget(name: "BackpropCoreTests", dependencies: ["BackpropCore", "TestSupport", .product(name: "RealModule", package: "swift-numerics")]),
        .testTarget(name: "ExperimentRunnerTests", dependencies: ["ExperimentRunner", "BackpropCore", "TestSupport"]),
        .testTarget(name: "backpropTests", dependencies: ["backprop", "TestSupport"]),
    ]
)
