"""Convert the trained LightGBM ranker to ONNX for the Triton runtime of the app gateway's fallback scorer."""

import argparse

import lightgbm as lgb
import onnxmltools
from onnxmltools.convert.common.data_types import FloatTensorType


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    booster = lgb.Booster(model_file=f"{args.model}/model.txt")
    onnx_model = onnxmltools.convert_lightgbm(
        booster, initial_types=[("features", FloatTensorType([None, booster.num_feature()]))]
    )
    onnxmltools.utils.save_model(onnx_model, args.out)


if __name__ == "__main__":
    main()
